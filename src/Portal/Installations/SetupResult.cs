namespace Portal.Installations;

internal enum SetupResult
{
    /// <summary>Tokens stored and the installation confirmed by Sentry.</summary>
    Installed,

    /// <summary>The other path (redirect or webhook) completed it first.</summary>
    AlreadyInstalled,

    /// <summary>Tokens stored, but Sentry did not confirm the installation; the verifier retries.</summary>
    VerificationFailed,

    /// <summary>Sentry refused the grant code: expired, used, unknown, or for another installation.</summary>
    CodeRejected,

    /// <summary>Sentry refused the portal's client id / secret.</summary>
    CredentialsRejected,

    /// <summary>Sentry could not be reached or failed; nothing was stored.</summary>
    SentryUnavailable,

    /// <summary>The installation was uninstalled already.</summary>
    Uninstalled,
}
