using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Portal.Shell;

/// <summary>
/// What an orchestrator or load balancer asks: <c>/healthz/live</c> (the process answers; nothing else is checked,
/// so a database outage never gets every instance restarted), <c>/healthz/ready</c> (every check tagged
/// <see cref="ReadyTag"/> passes: send it traffic) and <c>/healthz</c>, kept for load balancers set up before the split,
/// which is readiness under its old name. Anonymous; the body names each check and its status, never a description or
/// an exception (those can carry connection strings).
/// </summary>
internal static class HealthEndpoints
{
    /// <summary>The tag a check carries when the portal cannot serve without it (the database, Redis).</summary>
    public const string ReadyTag = "ready";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        Map(app, "/healthz", check => check.Tags.Contains(ReadyTag));
        Map(app, "/healthz/ready", check => check.Tags.Contains(ReadyTag));
        Map(app, "/healthz/live", _ => false);
        return app;
    }

    private static void Map(WebApplication app, string path, Func<HealthCheckRegistration, bool> predicate) =>
        app.MapHealthChecks(path, new HealthCheckOptions { Predicate = predicate, ResponseWriter = WriteAsync })
            .AllowAnonymous()
            .WithMetadata(new SkipStatusCodePagesAttribute());

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var body = new HealthAnswer(
            report.Status.ToString(),
            [.. report.Entries.Select(entry => new CheckAnswer(entry.Key, entry.Value.Status.ToString()))]);
        return JsonSerializer.SerializeAsync(context.Response.Body, body, Json, context.RequestAborted);
    }

    private sealed record HealthAnswer(string Status, CheckAnswer[] Checks);

    private sealed record CheckAnswer(string Name, string Status);
}
