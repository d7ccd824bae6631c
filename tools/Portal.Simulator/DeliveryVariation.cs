namespace Portal.Simulator;

/// <summary>What <see cref="DeliveryVariator"/> puts in place of the samples' installation and organization.</summary>
public sealed record DeliveryVariation
{
    /// <summary>Replaces <see cref="SentrySamples.SampleInstallationUuid"/> everywhere; null keeps it.</summary>
    public Guid? InstallationUuid { get; init; }

    /// <summary>Replaces <see cref="SentrySamples.SampleOrganizationSlug"/> in installation payloads and in URLs; null keeps it.</summary>
    public string? OrganizationSlug { get; init; }

    /// <summary>First id handed out; null picks a random one so separate runs do not collide.</summary>
    public long? FirstId { get; init; }
}
