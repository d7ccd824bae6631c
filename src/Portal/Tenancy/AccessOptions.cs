namespace Portal.Tenancy;

/// <summary>
/// Who sees everything and which Sentry roles may change things (configuration section <c>SignIn</c>, beside the
/// sign-in's own credentials).
/// </summary>
public sealed class AccessOptions
{
    public const string SectionName = "SignIn";

    /// <summary>Sentry's default roles that may manage integrations (they hold <c>org:integrations</c>).</summary>
    public static readonly IReadOnlyList<string> DefaultManagerRoles = ["owner", "manager", "admin"];

    /// <summary>Numeric Sentry user ids (the token response's <c>user.id</c>) that see and change every organization.</summary>
    public long[] OperatorUserIds { get; set; } = [];

    /// <summary>
    /// Sentry organization roles (<c>orgRole</c>) that may change code mappings and service hooks, replay deliveries
    /// and push changes to Sentry; default <see cref="DefaultManagerRoles"/>. Other members read.
    /// </summary>
    public string[]? ManagerRoles { get; set; }

    /// <summary>
    /// Whether the Development-only local developer is an operator right now: set by the sign-in feature, so a
    /// cookie minted before <c>SignIn:*</c> was configured stops working once it is.
    /// </summary>
    public bool LocalDeveloperIsOperator { get; set; }

    /// <summary>
    /// How soon open pages and hub connections notice withdrawn access, a lost role or an ended session (they work the
    /// person's access out again this often).
    /// </summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    public IReadOnlyList<string> EffectiveManagerRoles => ManagerRoles is { Length: > 0 } roles ? roles : DefaultManagerRoles;
}
