using System.Buffers;
using System.Net;

namespace Portal.Bench;

/// <summary>
/// The bare baseline: Kestrel with nothing but a route that drains the request body and answers 200. Run as a child
/// process of the bench so it is measured the same way as the portal.
/// </summary>
internal static class BaselineServer
{
    public static async Task<int> RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));

        var app = builder.Build();
        app.MapGet("/healthz", () => TypedResults.Ok());
        app.MapPost("/sentry/webhook", (Delegate)DrainAsync);

        // The UI-component mode's endpoints: the same bare work (drain, answer a fixed small JSON).
        app.MapPost("/sentry/issue-link/{operation}", async (HttpContext context) =>
        {
            await DrainAsync(context);
            return TypedResults.Text("""{"webUrl":"http://127.0.0.1/tickets/1","project":"PORTAL","identifier":"1"}""", "application/json");
        });
        app.MapGet("/sentry/options/{field}", () => TypedResults.Text("[]", "application/json"));
        await app.RunAsync();
        return 0;
    }

    private static async Task<IResult> DrainAsync(HttpContext context)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return TypedResults.Ok();
    }
}
