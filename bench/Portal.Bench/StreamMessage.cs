namespace Portal.Bench;

/// <summary>
/// One <c>delivery</c> message from <c>/hubs/deliveries</c>, as the portal serialises it (camelCase). Declared here
/// rather than taken from the portal: the bench talks to it only over the wire.
/// </summary>
internal sealed record StreamMessage(
    long Id,
    string? Kind,
    DateTimeOffset ReceivedAt,
    DateTimeOffset PublishedAt,
    string? Resource,
    string? Action,
    Guid? InstallationUuid,
    string? OrganizationSlug,
    IReadOnlyList<string>? Flags,
    string? State,
    int Attempts,
    string? Summary);
