namespace Portal.Data.Entities;

public enum DeliveryState
{
    Pending = 0,
    Processed = 1,

    /// <summary>The last attempt failed; another is scheduled at <see cref="WebhookDelivery.NextAttemptAt"/>.</summary>
    Failed = 2,

    /// <summary>Every attempt failed; kept for inspection and replay.</summary>
    Dead = 3,
}
