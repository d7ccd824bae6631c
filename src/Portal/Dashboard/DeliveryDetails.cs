using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Realtime;
using Portal.Tenancy;
using Portal.Webhooks;

namespace Portal.Dashboard;

/// <summary>Reads one delivery for its detail page and replays it — both only within the person's scope.</summary>
internal sealed class DeliveryDetails(
    IDbContextFactory<PortalDbContext> dbFactory, DeliveryWriter writer, WorkSignal processor, DeliveryPublisher stream,
    OrganizationDirectory organizations, TimeProvider time)
{
    public async Task<DeliveryDetail?> GetAsync(long id, AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var delivery = await db.WebhookDeliveries.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (delivery is null || !scope.Includes(delivery.OrganizationId))
        {
            return null;
        }

        return new DeliveryDetail(
            delivery.Id, delivery.RequestId, delivery.Resource, delivery.Action, delivery.InstallationUuid, delivery.OrganizationId,
            organizations.SlugOf(delivery.OrganizationId), scope.CanManage(delivery.OrganizationId),
            delivery.ReceivedAt, delivery.HookTimestamp, delivery.Flags, delivery.Source, delivery.State, delivery.Attempts,
            delivery.NextAttemptAt, delivery.ProcessedAt, delivery.LastError, delivery.Summary, delivery.Body.Length,
            Convert.ToHexStringLower(delivery.BodySha256), PayloadText.Pretty(delivery.Body));
    }

    /// <summary>
    /// Runs the handlers again for a stored delivery (after a fix, or to resend its effects): the row goes back to
    /// Pending, marked as a replay, through the single writer like every other state change. Only a role that may
    /// manage the organization's integrations replays (it reaches Sentry again); an orphan is operators' only. What the
    /// person chose to repeat (<paramref name="repeat"/>, see <see cref="IReplayConsequence"/>) is allowed only once
    /// the replay is.
    /// </summary>
    public async Task<bool> ReplayAsync(long id, AccessScope scope, CancellationToken cancellationToken, IReadOnlyList<IReplayConsequence>? repeat = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var delivery = await db.WebhookDeliveries.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (delivery is null || !scope.CanManage(delivery.OrganizationId) || delivery.State == DeliveryState.Pending)
        {
            return false;
        }

        delivery.State = DeliveryState.Pending;
        delivery.Flags |= DeliveryFlags.Replay;
        delivery.Attempts = 0;
        delivery.NextAttemptAt = time.GetUtcNow();
        delivery.LastError = null;

        foreach (var consequence in repeat ?? [])
        {
            await consequence.AllowAgainAsync(id, scope, cancellationToken);
        }

        // Unconditional, and it ends any claim: an instance still working on the old attempt has its outcome dropped.
        delivery.ClaimedBy = null;
        if (!await writer.RecordAsync(new ProcessingOutcomes([delivery]), cancellationToken))
        {
            return false;
        }

        stream.Publish(DeliverySummary.From(delivery, DeliverySummaryKind.StateChanged, time.GetUtcNow(), organizations.SlugOf(delivery.OrganizationId)));
        processor.Notify();
        return true;
    }
}
