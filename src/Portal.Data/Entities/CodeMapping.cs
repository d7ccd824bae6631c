namespace Portal.Data.Entities;

/// <summary>
/// Where an organization's stack frames live in its code host: frames whose file name starts with
/// <see cref="StackRoot"/> (for <see cref="ProjectSlug"/>, or every project when null) open
/// <see cref="UrlTemplate"/> with <c>{path}</c> = <see cref="SourceRoot"/> + the rest of the file name and
/// <c>{line}</c> = the frame's line.
/// </summary>
public sealed class CodeMapping
{
    public int Id { get; init; }

    /// <summary>Sentry's id of the organization this belongs to: the tenant key.</summary>
    public required long OrganizationId { get; init; }

    /// <summary>The organization, for its slug; loaded only where a page shows it.</summary>
    public Organization? Organization { get; init; }

    /// <summary>The Sentry project it applies to; null for every project of the organization.</summary>
    public string? ProjectSlug { get; set; }

    /// <summary>The prefix stack frames carry (<c>webpack:///src/</c>, <c>app:///</c>, <c>C:\build\</c>); may be empty.</summary>
    public required string StackRoot { get; set; }

    /// <summary>Where that prefix is in the repository (<c>src/</c>); may be empty.</summary>
    public required string SourceRoot { get; set; }

    /// <summary>An https URL with <c>{path}</c> and optionally <c>{line}</c>, e.g. <c>https://github.com/acme/web/blob/main/{path}#L{line}</c>.</summary>
    public required string UrlTemplate { get; set; }

    public required string CreatedBy { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}
