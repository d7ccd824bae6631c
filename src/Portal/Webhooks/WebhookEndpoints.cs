using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Data.Entities;
using Portal.SentryPlatform;

namespace Portal.Webhooks;

/// <summary>The route Sentry delivers webhooks to (the signature is checked by the group).</summary>
internal static class WebhookEndpoints
{
    /// <summary>2 MiB: twice Relay's 1 MiB event limit, since error and alert webhooks embed a whole event (W9).</summary>
    public const int MaxBodyBytes = 2 * 1024 * 1024;


    public static RouteGroupBuilder MapWebhookEndpoints(this RouteGroupBuilder fromSentry)
    {
        fromSentry.MapPost("/webhook", ReceiveAsync)
            .SignedBy(SentrySignatureScheme.Hook, MaxBodyBytes)
            .WithName("ReceiveSentryWebhook");
        return fromSentry;
    }

    // Store first, acknowledge after the commit, process later. A correctly signed delivery never gets a 4xx:
    // Sentry does not retry those (reliability.md finding 2).
    private static async Task<Results<Accepted, Ok, StatusCodeHttpResult>> ReceiveAsync(
        SentryRequest request, DeliveryIntake intake, HttpContext context)
    {
        return Acknowledge(await intake.AcceptAsync(request, DeliverySource.AppWebhook), context);
    }

    /// <summary>2xx once stored (or already stored); 503 with Retry-After when it could not be.</summary>
    public static Results<Accepted, Ok, StatusCodeHttpResult> Acknowledge(StoreOutcome outcome, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        switch (outcome.Result)
        {
            case StoreResult.Stored:
                return TypedResults.Accepted((string?)null);
            case StoreResult.Duplicate:
                return TypedResults.Ok();
            default:
                context.Response.Headers.RetryAfter = SentryRetry.AfterHeader;
                return TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
    }
}
