namespace Portal.Data.Entities;

/// <summary>
/// A Sentry project service hook an admin registered (sentry-contract.md §4): Sentry names it by its GUID in
/// <c>X-ServiceHook-GUID</c> and signs with its own secret, kept here protected like installation tokens.
/// </summary>
public sealed class ServiceHook
{
    public int Id { get; init; }

    /// <summary>Sentry's hook id: 32 lower-case hex digits.</summary>
    public required string HookId { get; init; }

    /// <summary>Sentry's id of the organization this belongs to: the tenant key.</summary>
    public required long OrganizationId { get; init; }

    /// <summary>The organization, for its slug; loaded only where a page shows it.</summary>
    public Organization? Organization { get; init; }

    public required string ProjectSlug { get; init; }

    /// <summary>The hook's secret, protected with ASP.NET Core Data Protection.</summary>
    public required string ProtectedSecret { get; init; }

    /// <summary>The secret's last four characters, to tell hooks apart without showing the secret.</summary>
    public required string SecretHint { get; init; }

    public required string CreatedBy { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}
