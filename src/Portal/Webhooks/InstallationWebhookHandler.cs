using System.Text.Json;
using Portal.Installations;
using Portal.SentryPlatform;

namespace Portal.Webhooks;

/// <summary>
/// <c>installation.created</c> / <c>installation.deleted</c> (sentry-contract.md §2.9.1). Both say which
/// organization (by id and current slug) and which app the installation belongs to, and that is recorded first. A
/// created delivery that still carries the grant code completes the installation through the same path as the
/// install redirect, so whichever arrives first exchanges the code and the other finds it done. The code is never
/// copied anywhere.
/// </summary>
internal sealed partial class InstallationWebhookHandler(InstallationService installations, TimeProvider time, ILogger<InstallationWebhookHandler> logger) : IWebhookHandler
{
    /// <summary>How long Sentry keeps a grant code (sentry-contract.md §1.1).</summary>
    public static readonly TimeSpan GrantLifetime = TimeSpan.FromMinutes(10);

    public string Resource => WebhookCatalog.Installation;

    public async Task<HandlerOutcome> HandleAsync(WebhookEvent webhook, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        if (webhook.Data.ObjectOf("installation") is not { ValueKind: JsonValueKind.Object } payload || webhook.InstallationUuid is not { } uuid)
        {
            return HandlerOutcome.Done;
        }

        // Recorded first, so the organization's deliveries are not orphans while the exchange waits for Sentry.
        var facts = FactsOf(payload, webhook.Delivery.ReceivedAt);
        await installations.RecordAsync(uuid, facts, cancellationToken);
        switch (webhook.Action)
        {
            case "created":
                return await CompleteAsync(webhook, uuid, payload, facts, cancellationToken);
            case "deleted":
                await installations.UninstallAsync(uuid, cancellationToken);
                break;
        }

        return HandlerOutcome.Done;
    }

    // Sentry's own serialisation (sentry_app_installation.py): organization {slug, id:int}, app {uuid, slug, sentryAppId:int}.
    private static InstallationFacts FactsOf(JsonElement payload, DateTimeOffset saidAt)
    {
        var organization = payload.ObjectOf("organization");
        var app = payload.ObjectOf("app");
        return new InstallationFacts(organization.StringOf("slug"), organization.IdOf("id"), app.StringOf("slug"), app.IdOf("sentryAppId"), saidAt);
    }

    private async Task<HandlerOutcome> CompleteAsync(WebhookEvent webhook, Guid uuid, JsonElement payload, InstallationFacts facts, CancellationToken cancellationToken)
    {
        // A retried delivery after the exchange has no code any more (the grant is gone).
        if (payload.StringOf("code") is not { Length: > 0 } code)
        {
            return HandlerOutcome.Done;
        }

        var outcome = await installations.CompleteAsync(uuid, code, facts, cancellationToken);
        switch (outcome.Result)
        {
            case SetupResult.SentryUnavailable:
            case SetupResult.CredentialsRejected:
                if (time.GetUtcNow() - webhook.Delivery.ReceivedAt < GrantLifetime)
                {
                    // Worth retrying: the processor's first retries fall well inside the code's 10 minutes.
                    throw new InvalidOperationException($"Could not complete installation {uuid}: {outcome.Detail}");
                }

                return await UnusableAsync(uuid, facts, $"the grant code could not be exchanged within its 10 minutes ({outcome.Detail})", cancellationToken);
            case SetupResult.CodeRejected:
                return await UnusableAsync(uuid, facts, outcome.Detail ?? "the grant code was refused", cancellationToken);
            case SetupResult.VerificationFailed:
                LogVerificationPending(uuid, outcome.Detail ?? "");
                return HandlerOutcome.NeedsAttention(
                    $"The portal holds the installation's tokens, but Sentry has not confirmed it yet ({outcome.Detail}); the portal retries the verification on its own.");
            default:
                return HandlerOutcome.Done;
        }
    }

    // Processed, but the installation is not usable: the delivery says so rather than showing a green "Processed".
    private async Task<HandlerOutcome> UnusableAsync(Guid uuid, InstallationFacts facts, string reason, CancellationToken cancellationToken) =>
        await installations.RecordUnusableCodeAsync(uuid, facts, reason, cancellationToken)
            ? HandlerOutcome.NeedsAttention($"The installation needs reauthorization: {reason}. Someone in the organization must install the app again from Sentry.")
            : HandlerOutcome.Done;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Installation {InstallationUuid} holds its tokens but Sentry has not confirmed it yet ({Reason}); the verifier retries")]
    private partial void LogVerificationPending(Guid installationUuid, string reason);
}
