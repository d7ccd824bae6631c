using Portal.Data;

namespace Portal.Installations;

/// <summary>
/// Serialises what changes an installation's standing: completing it from its grant code (which works once),
/// recording what Sentry says of it, verifying it, naming its organization, marking an unusable code and
/// uninstalling it. Each holder reads the row, may call Sentry, and writes the row back.
/// </summary>
/// <remarks>
/// A token refresh takes <see cref="TokenRefreshLocks"/> instead, for two reasons. Verifying and naming hold this
/// lock while they ask <see cref="InstallationTokens"/> for a token, which refreshes when the token is close to
/// expiry or Sentry rejected it: under this same lock, which is not reentrant, that refresh would wait for the
/// verification that is waiting for it, and never return. And a call for another feature that only needs a fresh
/// token (ticket sync, issue links) must not queue behind a grant exchange or a verification.
///
/// Several instances on one PostgreSQL database also take a database lock per installation (<see cref="DatabaseLocks"/>),
/// so the redirect on one instance and <c>installation.created</c> on another still exchange the code once.
/// </remarks>
internal sealed class InstallationLifecycleLocks(DatabaseLocks? database = null) : InstallationLocks
{
    protected override async Task<IAsyncDisposable?> AcrossInstancesAsync(Guid installationUuid, CancellationToken cancellationToken) =>
        database is null ? null : await database.AcquireAsync($"installation-lifecycle:{installationUuid:D}", cancellationToken);
}
