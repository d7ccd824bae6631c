namespace Portal.Installations;

/// <summary>
/// One token refresh at a time per installation in this process (across processes, the lease written on the row):
/// Sentry deletes the old pair on every refresh, so a second refresher would spend a refresh token that no longer
/// exists. Taken inside <see cref="InstallationLifecycleLocks"/> when a verification needs a token, never around
/// it; why the two are apart is told there.
/// </summary>
internal sealed class TokenRefreshLocks : InstallationLocks;
