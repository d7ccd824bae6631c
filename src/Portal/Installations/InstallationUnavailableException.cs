namespace Portal.Installations;

/// <summary>
/// The portal cannot call Sentry for this installation: it is unknown, uninstalled, holds no token yet, or needs
/// to be reauthorized. The message says which, in words an admin can act on.
/// </summary>
public sealed class InstallationUnavailableException : Exception
{
    public InstallationUnavailableException()
    {
    }

    public InstallationUnavailableException(string message)
        : base(message)
    {
    }

    public InstallationUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InstallationUnavailableException(Guid installationUuid, string why, Exception? innerException = null)
        : base($"Installation {installationUuid} {why}", innerException)
    {
        InstallationUuid = installationUuid;
    }

    public Guid InstallationUuid { get; }
}
