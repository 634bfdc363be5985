import { PanelPlugin } from '@grafana/data';
import { Options } from './types';
import { SpanLinksPanel } from './components/SpanLinksPanel';

export const plugin = new PanelPlugin<Options>(SpanLinksPanel).setPanelOptions((builder) =>
  builder.addTextInput({
    path: 'tracingDatasource',
    name: 'Trace data source',
    description:
      'uid or name of the data source whose trace-to-logs/metrics/profiles settings make the links (empty: the first Tempo, Jaeger or Zipkin data source)',
    defaultValue: '',
  })
);
