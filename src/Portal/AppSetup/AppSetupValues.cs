using Microsoft.Extensions.Options;
using Portal.SentryPlatform;
using Portal.Shell;

namespace Portal.AppSetup;

/// <summary>The exact values to paste into Sentry for this portal, built from its configuration and public address.</summary>
public static class AppSetupValues
{
    public static IReadOnlyList<AppSetupValue> SentryApp(Uri baseUrl, SentryOptions sentry)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentNullException.ThrowIfNull(sentry);
        var root = baseUrl.ToString().TrimEnd('/');
        return
        [
            new("Webhook URL", $"{root}/sentry/webhook", "Every event Sentry sends; signed with the app's client secret."),
            new("Redirect URL", $"{root}/sentry/setup", "Where Sentry sends the installer after Install (public integrations)."),
            new("Verify Installation", sentry.VerifyInstallation ? "On" : "Off", "Must match Sentry:VerifyInstallation; the portal sends the verify call when on."),
            new("Alert Rule Action", "On", "Alert rules then offer Create Portal ticket; Sentry checks the settings with the portal before saving."),
            new("Permissions", "Issue & Event: Read & Write · Organization: Read", "Write lets ticket changes and comments reach the linked Sentry issues; read receives the webhooks and confirms installations."),
            new("Webhooks", "issue, error, comment", "issue and comment keep tickets in sync; installation webhooks are always sent; other resources are stored and flagged, never refused."),
        ];
    }

    public static IReadOnlyList<AppSetupValue> SignIn(Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        return
        [
            new("Redirect URI (OAuth application)", $"{baseUrl.ToString().TrimEnd('/')}/signin-sentry", "For Sign in with Sentry: User settings → API → Applications; exactly this URL."),
        ];
    }

    public static Uri BaseUrlOf(IOptions<PortalOptions> options, string pageBaseUri)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Value.PublicBaseUrl ?? new Uri(pageBaseUri);
    }
}
