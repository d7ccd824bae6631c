namespace Portal.Data.Entities;

/// <summary>Where a delivery is in processing. Stored as its number; append new values only.</summary>
public enum DeliveryState
{
    /// <summary>Stored, not processed yet.</summary>
    Pending = 0,

    Processed = 1,

    /// <summary>The last attempt failed; another is scheduled at <see cref="WebhookDelivery.NextAttemptAt"/>.</summary>
    Retrying = 2,

    /// <summary>Every attempt failed; kept for inspection and replay.</summary>
    Dead = 3,

    /// <summary>
    /// Processed, but what it asked for could not be done and a person must act (an installation whose grant code
    /// could not be exchanged needs reinstalling, for one); <see cref="WebhookDelivery.LastError"/> says what.
    /// </summary>
    NeedsAttention = 4,
}
