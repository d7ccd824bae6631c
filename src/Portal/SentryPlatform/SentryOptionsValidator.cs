using Microsoft.Extensions.Options;

namespace Portal.SentryPlatform;

/// <summary>Names the missing key, so a misconfigured production start fails with a message an operator can act on.</summary>
internal sealed class SentryOptionsValidator(IHostEnvironment environment, TimeProvider time) : IValidateOptions<SentryOptions>
{
    /// <summary>How far ahead the previous secret may stay valid: a rotation is days, not a second secret for good.</summary>
    public static readonly TimeSpan LongestRotation = TimeSpan.FromDays(7);

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
        else if (!string.IsNullOrEmpty(options.PreviousClientSecret) && options.PreviousClientSecretExpiresAt > time.GetUtcNow() + LongestRotation)
        {
            failures.Add($"Sentry:PreviousClientSecretExpiresAt must be at most {LongestRotation.TotalDays:0} days ahead ({options.PreviousClientSecretExpiresAt:O} is later): finish the rotation within a week.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
