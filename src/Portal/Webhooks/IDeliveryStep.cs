namespace Portal.Webhooks;

/// <summary>
/// Work on every delivery after its resource's handler, once its organization is known: what a higher feature
/// (Automations) adds to processing without Webhooks knowing it. Throwing retries the delivery on its schedule, as a
/// handler's failure does; the step must then be idempotent (it runs again with the next attempt).
/// </summary>
internal interface IDeliveryStep
{
    /// <summary>Returns a reason the delivery needs a person's attention, or null.</summary>
    Task<string?> RunAsync(WebhookEvent webhook, long organizationId, CancellationToken cancellationToken);
}
