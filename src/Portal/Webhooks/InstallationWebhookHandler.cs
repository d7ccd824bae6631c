using System.Text.Json;
using Portal.Installations;
using Portal.SentryPlatform;

namespace Portal.Webhooks;

/// <summary>
/// <c>installation.created</c> / <c>installation.deleted</c> (sentry-contract.md §2.9.1). A created delivery that
/// still carries the grant code completes the installation through the same path as the install redirect, so
/// whichever arrives first exchanges the code and the other finds it done. The code is never copied anywhere.
/// </summary>
internal sealed partial class InstallationWebhookHandler(InstallationService installations, TimeProvider time, ILogger<InstallationWebhookHandler> logger) : IWebhookHandler
{
    /// <summary>How long Sentry keeps a grant code (sentry-contract.md §1.1).</summary>
    public static readonly TimeSpan GrantLifetime = TimeSpan.FromMinutes(10);

    public string Resource => WebhookCatalog.Installation;

    public async Task HandleAsync(WebhookEvent webhook, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        if (!webhook.Data.TryGetProperty("installation", out var payload) || payload.ValueKind != JsonValueKind.Object
            || webhook.InstallationUuid is not { } uuid)
        {
            return;
        }

        switch (webhook.Action)
        {
            case "created":
                await CompleteAsync(webhook, uuid, payload, cancellationToken);
                break;
            case "deleted":
                await installations.UninstallAsync(uuid, cancellationToken);
                break;
        }
    }

    private async Task CompleteAsync(WebhookEvent webhook, Guid uuid, JsonElement payload, CancellationToken cancellationToken)
    {
        var organization = payload.TryGetProperty("organization", out var org) && org.ValueKind == JsonValueKind.Object ? org : default;
        var facts = new InstallationFacts(
            organization.StringOf("slug"),
            organization.ValueKind == JsonValueKind.Object && organization.TryGetProperty("id", out var id) && id.TryGetInt64(out var orgId) ? orgId : null,
            payload.TryGetProperty("app", out var app) ? app.StringOf("slug") : null);

        // Recorded first, so the organization's deliveries are not orphans while the exchange waits for Sentry. A
        // retried delivery after the exchange has no code any more (the grant is gone).
        await installations.RecordAsync(uuid, facts, cancellationToken);
        if (payload.StringOf("code") is not { Length: > 0 } code)
        {
            return;
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

                await installations.RecordUnusableCodeAsync(uuid, facts, $"the grant code could not be exchanged within its 10 minutes ({outcome.Detail})", cancellationToken);
                break;
            case SetupResult.CodeRejected:
                await installations.RecordUnusableCodeAsync(uuid, facts, outcome.Detail ?? "the grant code was refused", cancellationToken);
                break;
            case SetupResult.VerificationFailed:
                LogVerificationPending(uuid, outcome.Detail ?? "");
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Installation {InstallationUuid} holds its tokens but Sentry has not confirmed it yet ({Reason}); the verifier retries")]
    private partial void LogVerificationPending(Guid installationUuid, string reason);
}
