import React, { useEffect, useMemo, useState } from 'react';
import { PanelProps } from '@grafana/data';
import { findTraceFrame } from 'spanlink/grafana';
import type { Correlator, Explanation, Trace } from 'spanlink/web';
import { Options } from '../types';
import { describe, loadCorrelator, missingLinks, parseTrace, spanRows, type SpanRow } from '../spanlink';

type Loaded = { correlator: Correlator } | { error: string } | undefined;
type Parsed = { trace: Trace; rows: SpanRow[] } | { error: string } | undefined;

/** The correlator for the panel's options; rebuilt (and the old one freed) when they change. */
function useCorrelator(tracingDatasource: string): Loaded {
  const [loaded, setLoaded] = useState<Loaded>();
  useEffect(() => {
    let made: Correlator | undefined;
    let live = true;
    setLoaded(undefined);
    loadCorrelator(tracingDatasource).then(
      (correlator) => {
        made = correlator;
        if (live) {
          setLoaded({ correlator });
        } else {
          correlator.free();
        }
      },
      (e) => live && setLoaded({ error: describe(e) })
    );
    return () => {
      live = false;
      made?.free();
    };
  }, [tracingDatasource]);
  return loaded;
}

/** Each span of the panel's trace frame with the links Grafana's trace view would show for it. */
export function SpanLinksPanel({ data, options, width, height }: PanelProps<Options>) {
  const loaded = useCorrelator(options.tracingDatasource);
  const correlator = loaded && 'correlator' in loaded ? loaded.correlator : undefined;
  const frame = findTraceFrame(data.series);
  const parsed = useMemo((): Parsed => {
    if (!correlator || !frame) {
      return undefined;
    }
    try {
      const trace = parseTrace(frame);
      try {
        return { trace, rows: spanRows(correlator, trace) };
      } catch (e) {
        trace.free();
        return { error: describe(e) };
      }
    } catch (e) {
      return { error: describe(e) };
    }
  }, [correlator, frame]);
  const trace = parsed && 'trace' in parsed ? parsed.trace : undefined;
  useEffect(() => () => trace?.free(), [trace]);

  const error = (loaded && 'error' in loaded && loaded.error) || (parsed && 'error' in parsed && parsed.error);
  let body: React.ReactNode;
  if (error) {
    body = <p data-testid="spanlink-error">{error}</p>;
  } else if (!frame) {
    body = <p>No trace in the panel's data: query a trace from Tempo, Jaeger or Zipkin.</p>;
  } else if (correlator && parsed && 'trace' in parsed) {
    body = parsed.rows.map((row, i) => <SpanRowView key={i} row={row} correlator={correlator} trace={parsed.trace} />);
  } else {
    body = <p>Loading spanlink…</p>;
  }
  return (
    <div style={{ width, height, overflow: 'auto' }} data-testid="spanlink-panel">
      {body}
    </div>
  );
}

function SpanRowView({ row, correlator, trace }: { row: SpanRow; correlator: Correlator; trace: Trace }) {
  const [missing, setMissing] = useState<Explanation[]>();
  return (
    <section data-span-id={row.spanId} style={{ marginBottom: 8 }}>
      <strong>
        {row.service}: {row.operation}
      </strong>{' '}
      <code>{row.spanId}</code>
      {row.groups.map((group) => (
        <div key={group.type} data-link-type={group.type}>
          {group.title}:{' '}
          {group.links.map((link, i) => (
            <React.Fragment key={i}>
              {i > 0 && ' · '}
              <a href={link.href} target={link.target} rel="noreferrer" data-origin={link.origin}>
                {link.title}
              </a>
            </React.Fragment>
          ))}
        </div>
      ))}
      {missing === undefined ? (
        <button type="button" onClick={() => setMissing(missingLinks(correlator, trace, row.spanId))}>
          Why no other links?
        </button>
      ) : (
        <ul data-testid="missing-links">
          {missing.map((e, i) => (
            <li key={i}>
              {e.origin}: {e.code}: {e.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
