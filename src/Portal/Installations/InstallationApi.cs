using Portal.SentryPlatform;
using Portal.SentryPlatform.Payloads;

namespace Portal.Installations;

/// <summary>
/// Calls Sentry's API on behalf of an installation: takes a token from <see cref="InstallationTokens"/>, and when
/// Sentry answers 401 anyway (revoked, clock skew) replaces the token once and tries again.
/// </summary>
internal sealed class InstallationApi(InstallationTokens tokens, SentryApiClient sentry)
{
    public Task<SentryInstallationInfo> GetInstallationAsync(Guid installationUuid, CancellationToken cancellationToken) =>
        CallAsync(installationUuid, (token, ct) => sentry.GetInstallationAsync(installationUuid, token, ct), cancellationToken);

    public Task<SentryInstallationInfo> VerifyInstallationAsync(Guid installationUuid, CancellationToken cancellationToken) =>
        CallAsync(installationUuid, (token, ct) => sentry.VerifyInstallationAsync(installationUuid, token, ct), cancellationToken);

    public async Task<T> CallAsync<T>(Guid installationUuid, Func<string, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var token = await tokens.GetAccessTokenAsync(installationUuid, cancellationToken);
        try
        {
            return await call(token, cancellationToken);
        }
        catch (SentryApiException exception) when (exception.IsUnauthorized)
        {
            token = await tokens.ReplaceRejectedTokenAsync(installationUuid, token, cancellationToken);
            return await call(token, cancellationToken);
        }
    }
}
