using Portal.Tenancy;

namespace Portal.Dashboard;

/// <summary>
/// Something a replay would not repeat unless a person says so (Automations: actions that already ran), asked
/// before the replay. The Dashboard asks without knowing the feature that answers.
/// </summary>
internal interface IReplayConsequence
{
    /// <summary>The question to put to the person, or null when a replay of this delivery repeats nothing of the kind.</summary>
    Task<string?> QuestionAsync(long deliveryId, AccessScope scope, CancellationToken cancellationToken);

    /// <summary>Lets the coming replay repeat it; called only when the person said yes, once the replay is allowed, just before it is recorded.</summary>
    Task AllowAgainAsync(long deliveryId, AccessScope scope, CancellationToken cancellationToken);
}
