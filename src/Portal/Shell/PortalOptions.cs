namespace Portal.Shell;

/// <summary>The portal's own settings (configuration section <c>Portal</c>).</summary>
public sealed class PortalOptions
{
    public const string SectionName = "Portal";

    /// <summary>
    /// The portal's public https address, for the values pasted into Sentry and the links handed to it; without it
    /// pages use the address they were opened on.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>
    /// Other sites' origins (<c>https://dashboard.example.com</c>) whose pages may open the SignalR hubs in a browser;
    /// the portal's own origin and <see cref="PublicBaseUrl"/>'s are always allowed (<see cref="CrossOriginHubGuard"/>).
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Requests one address may make per minute to the installation redirect, and separately to sign-in (the start
    /// of "Sign in with Sentry" and the local sign-in): each purpose has its own bucket of this size.
    /// </summary>
    public int AnonymousRequestsPerMinute { get; set; } = 60;

    /// <summary>
    /// This instance's name among several behind a load balancer (<c>portal-1</c>): sent as <c>X-Portal-Instance</c>
    /// on every response and as the telemetry's <c>service.instance.id</c>; the machine's name when unset. Printable
    /// ASCII, at most 64 characters.
    /// </summary>
    public string? InstanceName { get; set; }

    /// <summary><see cref="InstanceName"/>, or the machine's name (in a container, its id) when none is set.</summary>
    public string ResolvedInstanceName => InstanceName is { Length: > 0 } name ? name : Environment.MachineName;

    /// <summary>The project key Sentry shows before a ticket's number (<c>PORTAL#17</c>).</summary>
    public string TicketKey { get; set; } = "PORTAL";

    /// <summary>
    /// Where the Data Protection key ring lives (it decrypts the stored tokens). Default: <c>keys/</c> beside the
    /// database. Keep it out of backups that travel with the database, and never delete keys.
    /// </summary>
    public string? DataProtectionKeysPath { get; set; }

    /// <summary>A PFX certificate that encrypts the key ring at rest; without one, the keys are plain XML files.</summary>
    public string? DataProtectionCertificatePath { get; set; }

    public string? DataProtectionCertificatePassword { get; set; }
}
