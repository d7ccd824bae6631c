using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Portal.Shell;

/// <summary>
/// JSON console logs in Production; OpenTelemetry traces (incoming requests, outgoing HTTP calls such as those to
/// Sentry) and metrics (every <c>Portal.*</c> meter the features create, ASP.NET Core's, Kestrel's, SignalR's, Blazor
/// circuits', HttpClient's and the runtime's). Nothing leaves the process unless <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (OTLP export of
/// traces, metrics and logs) or <see cref="TelemetryOptions.PrometheusEndpoint"/> is on (<c>/metrics</c>).
/// </summary>
internal static class TelemetryRegistration
{
    public const string ServiceName = "sentry-app-portal";

    /// <summary>Every feature's meter is named <c>Portal.{Folder}</c>; the wildcard keeps Shell free of feature names.</summary>
    public const string PortalMeters = "Portal.*";

    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public const string MetricsPath = "/metrics";

    public static IHostApplicationBuilder AddPortalTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName);
        var options = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var instanceName = (builder.Configuration.GetSection(PortalOptions.SectionName).Get<PortalOptions>() ?? new PortalOptions()).ResolvedInstanceName;

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(ServiceName, serviceInstanceId: instanceName, autoGenerateServiceInstanceId: false)
                // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES still win over the defaults above.
                .AddEnvironmentVariableDetector())
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter(PortalMeters)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter("Microsoft.AspNetCore.Components.Server.Circuits", "System.Runtime"));

        // In Production every log line is one JSON object (a log shipper parses it without a grok pattern); the scopes
        // carry the trace and span ids, so a line leads to its trace.
        if (builder.Environment.IsProduction())
        {
            builder.Logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]))
        {
            telemetry.UseOtlpExporter();
        }

        if (options.PrometheusEndpoint)
        {
            telemetry.WithMetrics(metrics => metrics.AddPrometheusExporter());
        }

        return builder;
    }

    /// <summary><c>GET /metrics</c> when <see cref="TelemetryOptions.PrometheusEndpoint"/> is on; a plain 404 otherwise.</summary>
    public static WebApplication MapPortalTelemetry(this WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.PrometheusEndpoint
            ? app.MapPrometheusScrapingEndpoint(MetricsPath)
            // Off, a scraper pointed here learns so at once, instead of following the sign-in redirect every unknown
            // path gets and failing to parse the page.
            : app.MapGet(MetricsPath, () => TypedResults.NotFound());
        metrics.AllowAnonymous().WithMetadata(new Microsoft.AspNetCore.Mvc.SkipStatusCodePagesAttribute());
        return app;
    }

    // Probes and scrapes every few seconds would bury the traces worth reading.
    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase);
}
