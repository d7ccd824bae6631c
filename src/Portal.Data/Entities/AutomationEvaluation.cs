namespace Portal.Data.Entities;

/// <summary>Which of its organization's rules a delivery matched, and for the others the first condition that failed.</summary>
public sealed class AutomationEvaluation
{
    public required long DeliveryId { get; init; }

    public required long OrganizationId { get; init; }

    public required DateTimeOffset At { get; set; }

    /// <summary>JSON: one entry per rule considered (id, name, matched, why).</summary>
    public required string Results { get; set; }
}
