/** The panel's options. */
export interface Options {
  /** uid or name of the trace data source whose settings make the links; empty: the first Tempo, Jaeger or Zipkin one. */
  tracingDatasource: string;
}
