namespace Portal.Shell;

/// <summary>
/// Telemetry switches (configuration section <c>Portal:Telemetry</c>). Export to an OpenTelemetry collector is
/// switched on by the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable instead, so collectors configure it as
/// they do every other service.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Portal:Telemetry";

    /// <summary>
    /// Serve the metrics at <c>GET /metrics</c> in Prometheus' text format, anonymously: reachable only from the
    /// scraper's network (the reverse proxy must not pass it through). Off by default.
    /// </summary>
    public bool PrometheusEndpoint { get; set; }
}
