// @ts-check
// Grafana data source provisioning files for the shop samples, written for spanlink's demo.
// They are kept as YAML text, exactly as a user would paste them: `$$` is Grafana's escape
// for a literal `$` in provisioning files (parseProvisioning undoes it).

/** Tempo → Loki (logs), Mimir (metrics), Pyroscope (profiles), correlations; Loki → Tempo; Mimir exemplars → Tempo. */
export const SHOP_LOKI_YAML = `# Grafana data source provisioning: the shop's LGTM stack
apiVersion: 1

datasources:
  - name: Tempo
    type: tempo
    uid: tempo
    access: proxy
    url: http://tempo.observability.svc:3200
    jsonData:
      tracesToLogsV2:
        datasourceUid: loki
        spanStartTimeShift: "-2s"
        spanEndTimeShift: "2s"
        filterByTraceID: true
        filterBySpanID: true
        customQuery: false
        tags:
          - key: service.name
            value: service_name
          - key: k8s.namespace.name
            value: namespace
      tracesToMetrics:
        datasourceUid: mimir
        spanStartTimeShift: "-5m"
        spanEndTimeShift: "5m"
        tags:
          - key: service.name
            value: service
          - key: k8s.namespace.name
            value: namespace
        queries:
          - name: Request rate
            query: sum by (span_name) (rate(traces_spanmetrics_calls_total{$$__tags}[$$__rate_interval]))
          - name: p95 latency
            query: histogram_quantile(0.95, sum by (le) (rate(traces_spanmetrics_latency_bucket{$$__tags}[$$__rate_interval])))
      tracesToProfiles:
        datasourceUid: pyroscope
        profileTypeId: "process_cpu:cpu:nanoseconds:cpu:nanoseconds"
        customQuery: false
        tags:
          - key: service.name
            value: service_name
          - key: k8s.namespace.name
            value: namespace
      serviceMap:
        datasourceUid: mimir
      nodeGraph:
        enabled: true
    correlations:
      # the pod that ran the span, read from the resource attributes with a regex. The field is
      # JSON text of {"value": …, "key": …} objects (value first, as Grafana's Tempo frames write it)
      - targetUID: loki
        label: Pod logs
        description: Every log line of the pod that ran this span
        config:
          type: query
          field: serviceTags
          target:
            expr: '{namespace="shop", pod="$\${pod}"}'
            refId: A
          transformations:
            - type: regex
              expression: '"value":"([^"]+)","key":"k8s\\.pod\\.name"'
              mapValue: pod
      # the SQL of a database span, to run it against the read replica
      - targetUID: postgres
        label: Explain this query
        description: Run EXPLAIN for the statement of a database span
        config:
          type: query
          field: tags
          target:
            rawSql: 'EXPLAIN $\${statement}'
            format: table
            refId: A
          transformations:
            - type: regex
              expression: '"value":"([^"]+)","key":"db\\.statement"'
              mapValue: statement
      # the order id, to open the order in the shop's back office
      - label: Order in back office
        description: The order this span worked on
        config:
          type: external
          field: tags
          target:
            url: 'https://backoffice.shop.example/orders/$\${order}?env=$\${env}'
          transformations:
            - type: regex
              expression: '"value":"(ORD-[0-9]+)","key":"app\\.order\\.id"'
              mapValue: order
            - type: regex
              field: serviceTags
              expression: '"value":"(\\w+)","key":"deployment\\.environment"'
              mapValue: env

  - name: Loki
    type: loki
    uid: loki
    access: proxy
    url: http://loki-gateway.observability.svc
    jsonData:
      maxLines: 1000
      derivedFields:
        - name: TraceID
          matcherType: regex
          matcherRegex: 'trace_?[iI][dD]=(\\w+)'
          datasourceUid: tempo
          url: '$\${__value.raw}'
          urlDisplayLabel: 'View trace'
        - name: trace_id
          matcherType: label
          matcherRegex: 'trace_id'
          datasourceUid: tempo
          url: '$\${__value.raw}'
    correlations:
      - targetUID: loki
        label: Logs of this customer
        description: logfmt lines carry customer=..., find everything that customer did
        config:
          type: query
          field: Line
          target:
            expr: '{namespace="shop"} |= "customer=$\${customer}"'
            refId: A
          transformations:
            - type: logfmt

  - name: Mimir
    type: prometheus
    uid: mimir
    access: proxy
    url: http://mimir-query-frontend.observability.svc:8080/prometheus
    jsonData:
      httpMethod: POST
      exemplarTraceIdDestinations:
        - name: trace_id
          datasourceUid: tempo
          urlDisplayLabel: 'Trace: $\${__value.raw}'

  - name: Pyroscope
    type: grafana-pyroscope-datasource
    uid: pyroscope
    url: http://pyroscope.observability.svc:4040

  - name: Shop replica
    type: grafana-postgresql-datasource
    uid: postgres
    url: postgres-replica.shop.svc:5432
    user: grafana_ro
    jsonData:
      database: shop
      sslmode: require
`;

/** The same stack with Elasticsearch as the logs backend (ECS field names). */
export const SHOP_ELASTIC_YAML = `# Grafana data source provisioning: logs in Elasticsearch instead of Loki
apiVersion: 1

datasources:
  - name: Tempo
    type: tempo
    uid: tempo
    url: http://tempo.observability.svc:3200
    jsonData:
      tracesToLogsV2:
        datasourceUid: es-logs
        spanStartTimeShift: "-1m"
        spanEndTimeShift: "1m"
        filterByTraceID: true
        filterBySpanID: false
        tags:
          - key: service.name
            value: service.name
          - key: k8s.pod.name
            value: kubernetes.pod.name
      tracesToMetrics:
        datasourceUid: mimir
        tags:
          - key: service.name
            value: service
        queries:
          - name: Error rate
            query: sum(rate(traces_spanmetrics_calls_total{$$__tags, status_code="STATUS_CODE_ERROR"}[5m]))
          - name: Pod CPU
            query: sum(rate(container_cpu_usage_seconds_total{pod="$\${__span.tags["k8s.pod.name"]}"}[1m]))
      tracesToProfiles:
        datasourceUid: pyroscope
        profileTypeId: "process_cpu:cpu:nanoseconds:cpu:nanoseconds"
        customQuery: true
        query: '{service_name="$\${__span.tags["service.name"]}", pod="$\${__span.tags["k8s.pod.name"]}"}'

  - name: Elasticsearch logs
    type: elasticsearch
    uid: es-logs
    url: http://elasticsearch.logging.svc:9200
    jsonData:
      index: 'logs-shop-*'
      timeField: '@timestamp'
      logMessageField: message
      logLevelField: log.level

  - name: Mimir
    type: prometheus
    uid: mimir
    url: http://mimir-query-frontend.observability.svc:8080/prometheus
    jsonData:
      exemplarTraceIdDestinations:
        - name: trace_id
          datasourceUid: tempo

  - name: Pyroscope
    type: grafana-pyroscope-datasource
    uid: pyroscope
    url: http://pyroscope.observability.svc:4040
`;
