namespace Portal.Data.Entities;

/// <summary>An organization's CODEOWNERS (GitHub's syntax), which automations route issues by.</summary>
public sealed class CodeOwnersFile
{
    /// <summary>Sentry's id of the organization: the tenant key, one file each.</summary>
    public required long OrganizationId { get; init; }

    public required string Text { get; set; }

    public required string UpdatedBy { get; set; }

    public required DateTimeOffset UpdatedAt { get; set; }
}
