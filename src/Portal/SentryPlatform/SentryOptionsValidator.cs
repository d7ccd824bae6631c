using Microsoft.Extensions.Options;

namespace Portal.SentryPlatform;

/// <summary>Names the missing key, so a misconfigured production start fails with a message an operator can act on.</summary>
internal sealed class SentryOptionsValidator(IHostEnvironment environment) : IValidateOptions<SentryOptions>
{
    public ValidateOptionsResult Validate(string? name, SentryOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            failures.Add("Sentry:ClientSecret is required: it is the key of every signature Sentry sends.");
        }

        if (options.IsInternalIntegration)
        {
            var integration = options.InternalIntegration;
            if (string.IsNullOrWhiteSpace(integration.Token))
            {
                failures.Add("Sentry:InternalIntegration:Token is required for an internal integration.");
            }

            if (string.IsNullOrWhiteSpace(integration.OrganizationSlug))
            {
                failures.Add("Sentry:InternalIntegration:OrganizationSlug is required for an internal integration.");
            }

            if (integration.InstallationId is null || integration.InstallationId == Guid.Empty)
            {
                failures.Add("Sentry:InternalIntegration:InstallationId (the installation's uuid) is required for an internal integration.");
            }
        }

        if (!environment.IsDevelopment())
        {
            // An internal integration never exchanges a grant code, so it needs no client id.
            if (string.IsNullOrWhiteSpace(options.ClientId) && !options.IsInternalIntegration)
            {
                failures.Add("Sentry:ClientId is required outside Development.");
            }

            if (string.IsNullOrWhiteSpace(options.AppSlug))
            {
                failures.Add("Sentry:AppSlug is required outside Development.");
            }
        }

        if (options.BaseUrl is not { IsAbsoluteUri: true } || (options.BaseUrl.Scheme != Uri.UriSchemeHttps && options.BaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add("Sentry:BaseUrl must be an absolute http(s) URL such as https://sentry.io.");
        }

        if (!string.IsNullOrEmpty(options.PreviousClientSecret) && options.PreviousClientSecretExpiresAt is null)
        {
            failures.Add("Sentry:PreviousClientSecretExpiresAt is required with Sentry:PreviousClientSecret, so the old secret stops working on its own.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
