using Portal.Data.Entities;
using Portal.Installations;
using Portal.Tests.TestSupport;
using Portal.Webhooks;

namespace Portal.Tests.Webhooks;

public sealed class DeliveryProcessorTests : IAsyncLifetime
{
    private static readonly ProcessingPace Pace = ProcessingPace.Default;

    private readonly StandInHandler issues = new(WebhookCatalog.Issue);
    private readonly ProcessingServices services;

    public DeliveryProcessorTests() => services = new ProcessingServices(issues);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private ProcessorClock Clock => services.Clock;

    public ValueTask InitializeAsync() => new(services.StartAsync());

    public ValueTask DisposeAsync() => services.DisposeAsync();

    [Fact]
    public async Task With_nothing_to_do_the_processor_sleeps_for_the_idle_wait()
    {
        var start = Clock.GetUtcNow();

        await services.Get<DeliveryProcessor>().StartAsync(Cancel);

        Assert.Equal(start + Pace.IdleWait, await Clock.SleepingUntilAsync());
    }

    [Fact]
    public async Task New_work_wakes_the_processor_at_once_and_it_takes_it_after_the_gather_window()
    {
        var start = Clock.GetUtcNow();
        await services.Get<DeliveryProcessor>().StartAsync(Cancel);
        await Clock.SleepingUntilAsync(wakesAt => wakesAt == start + Pace.IdleWait);
        var id = await services.StoreAsync(WebhookCatalog.Issue);

        services.Get<WorkSignal>().Notify();
        await Clock.SleepingUntilAsync(wakesAt => wakesAt == start + Pace.GatherWindow);
        await Clock.WakeAsync();
        await Clock.SleepingUntilAsync();

        var delivery = await services.FindAsync(id);
        Assert.Equal((DeliveryState.Processed, (DateTimeOffset?)(start + Pace.GatherWindow)), (delivery.State, delivery.ProcessedAt));
    }

    [Fact]
    public async Task The_processor_sleeps_until_a_retry_is_due_and_then_takes_it()
    {
        issues.Fail(times: 1);
        var start = Clock.GetUtcNow();
        var id = await services.StoreAsync(WebhookCatalog.Issue);
        await services.Get<DeliveryProcessor>().StartAsync(Cancel);
        var due = (await RetryingAsync(id)).NextAttemptAt;

        var wakesAt = await Clock.SleepingUntilAsync();
        await Clock.WakeAsync();
        await Clock.WakeAsync();
        await Clock.SleepingUntilAsync();

        var delivery = await services.FindAsync(id);
        Assert.Equal((start + ProcessingSchedule.DelayAfter(1), due), (wakesAt, due));
        Assert.Equal((DeliveryState.Processed, 2, (DateTimeOffset?)(due + Pace.GatherWindow)), (delivery.State, delivery.Attempts, delivery.ProcessedAt));
    }

    [Fact]
    public async Task A_retry_further_off_than_the_idle_wait_is_looked_at_again_after_the_idle_wait()
    {
        issues.Fail(times: 2);
        var id = await services.StoreAsync(WebhookCatalog.Issue);
        await services.Get<DeliveryProcessor>().StartAsync(Cancel);
        await RetryingAsync(id);
        await Clock.WakeUntilAsync(async () => (await services.FindAsync(id)).Attempts == 2, "the second attempt");
        var secondAttemptAt = Clock.GetUtcNow();

        var wakesAt = await Clock.SleepingUntilAsync();

        Assert.Equal(ProcessingSchedule.DelayAfter(2), (await services.FindAsync(id)).NextAttemptAt - secondAttemptAt);
        Assert.Equal(secondAttemptAt + Pace.IdleWait, wakesAt);
    }

    [Fact]
    public async Task After_a_failed_pass_the_processor_waits_the_idle_wait_and_tries_again()
    {
        await services.Get<DeliveryProcessor>().StartAsync(Cancel);
        await Clock.SleepingUntilAsync();
        await services.Get<DeliveryWriter>().StopAsync(Cancel);
        var id = await services.StoreAsync(WebhookCatalog.Issue);
        services.Get<WorkSignal>().Notify();
        await Clock.WakeUntilAsync(() => Task.FromResult(PassesFailed() > 0), "a failed pass");
        var failed = PassesFailed();

        var backOff = await Clock.SleepingUntilAsync();
        var failedAt = Clock.GetUtcNow();
        await Clock.WakeAsync();
        await Clock.SleepingUntilAsync(wakesAt => wakesAt > backOff);

        Assert.Equal(failedAt + Pace.IdleWait, backOff);
        Assert.Equal(failed + 1, PassesFailed());
        Assert.Equal((DeliveryState.Pending, 0), ((await services.FindAsync(id)).State, (await services.FindAsync(id)).Attempts));
    }

    [Fact]
    public async Task At_start_the_processor_mends_deliveries_whose_installation_was_recorded_while_it_was_down()
    {
        var installation = Guid.NewGuid();
        var orphan = await services.StoreAsync(WebhookCatalog.Issue, installation, state: DeliveryState.Processed, flags: DeliveryFlags.Orphan);
        await services.InstallAsync(installation, 42);

        await services.Get<DeliveryProcessor>().StartAsync(Cancel);
        await Clock.SleepingUntilAsync();

        Assert.Equal(DeliveryFlags.None, (await services.FindAsync(orphan)).Flags);
    }

    [Fact]
    public async Task An_installation_learned_while_the_processor_sleeps_wakes_it_to_mend_the_earlier_deliveries()
    {
        var installation = Guid.NewGuid();
        var start = Clock.GetUtcNow();
        await services.Get<DeliveryProcessor>().StartAsync(Cancel);
        await Clock.SleepingUntilAsync(wakesAt => wakesAt == start + Pace.IdleWait);
        var orphan = await services.StoreAsync(WebhookCatalog.Issue, installation, state: DeliveryState.Processed, flags: DeliveryFlags.Orphan);
        await services.InstallAsync(installation, 42);

        services.Get<InstallationOrganizations>().Remember(installation, 42);
        await Clock.SleepingUntilAsync(wakesAt => wakesAt == start + Pace.GatherWindow);
        await Clock.WakeAsync();
        await Clock.SleepingUntilAsync();

        var mended = await services.FindAsync(orphan);
        Assert.Equal((DeliveryFlags.None, (long?)42), (mended.Flags, mended.OrganizationId));
    }

    private int PassesFailed() => services.Logs.Count(line => line.Contains("A delivery processor pass failed", StringComparison.Ordinal));

    // The first attempt is taken as soon as the processor starts, and fails.
    private async Task<WebhookDelivery> RetryingAsync(long id)
    {
        await Clock.WakeUntilAsync(async () => (await services.FindAsync(id)).State == DeliveryState.Retrying, "the first attempt");
        return await services.FindAsync(id);
    }
}
