using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Hosting;

/// <summary>The traces the portal hands an OpenTelemetry exporter: its incoming requests, and its calls to Sentry inside them.</summary>
public sealed class TracingTests : InstallationTestHost
{
    private readonly ConcurrentBag<Activity> exported = [];

    protected override void Configure(PortalFactory portal)
    {
        var services = portal.TestServices;
        portal.TestServices = s =>
        {
            services?.Invoke(s);
            s.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new Collector(exported)));
        };
    }

    [Fact]
    public async Task An_install_is_one_trace_from_the_browsers_request_to_the_token_exchange_with_Sentry_and_carries_no_secret()
    {
        await InstallAsync();

        // Other tests' hosts run in this process too: only this host's route and this fake Sentry's port count. A
        // server span ends just after its response is sent, so it may reach the exporter a moment after the client.
        await Eventually.TrueAsync(() => Task.FromResult(exported.Any(IsSetup)), "the /sentry/setup span");
        var incoming = Assert.Single(exported, IsSetup);
        var outgoing = exported
            .Where(a => a.Kind == ActivityKind.Client && a.GetTagItem("url.full") is string url && url.StartsWith(Sentry.BaseUrl.ToString(), StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(outgoing);
        Assert.All(outgoing, call => Assert.Equal(incoming.TraceId, call.TraceId));
        Assert.Contains(outgoing, call => ((string)call.GetTagItem("url.full")!).Contains("/authorizations/", StringComparison.Ordinal));
        Assert.Equal(302, incoming.GetTagItem("http.response.status_code"));
        var values = exported.Where(a => a.TraceId == incoming.TraceId).SelectMany(a => a.TagObjects.Select(t => $"{a.DisplayName} {t.Key}={t.Value}")).ToList();
        Assert.DoesNotContain(values, value => Sentry.Secrets.Any(secret => value.Contains(secret, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Health_probes_leave_no_trace()
    {
        var client = Portal.CreateClient();

        await client.GetAsync("/healthz/live", TestContext.Current.CancellationToken);
        await client.GetAsync("/healthz/ready", TestContext.Current.CancellationToken);
        await client.GetAsync("/sentry/schema.json", TestContext.Current.CancellationToken);

        await Eventually.TrueAsync(
            () => Task.FromResult(exported.Any(a => a.Kind == ActivityKind.Server && (string?)a.GetTagItem("http.route") == "/sentry/schema.json")),
            "the span of the request after the probes");
        var routes = exported.Where(a => a.Kind == ActivityKind.Server).Select(a => a.GetTagItem("url.path") as string ?? a.DisplayName).ToList();
        Assert.DoesNotContain(routes, route => route.StartsWith("/healthz", StringComparison.Ordinal));
    }

    private static bool IsSetup(Activity span) => span.Kind == ActivityKind.Server && (string?)span.GetTagItem("http.route") == "/sentry/setup";

    /// <summary>Every span as it ends, as an exporter would get it (thread-safe: other hosts' spans arrive here too).</summary>
    private sealed class Collector(ConcurrentBag<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => spans.Add(data);
    }
}
