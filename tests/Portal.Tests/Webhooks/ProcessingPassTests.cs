using System.Text;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Realtime;
using Portal.Tests.TestSupport;
using Portal.Webhooks;

namespace Portal.Tests.Webhooks;

public sealed class ProcessingPassTests : IAsyncLifetime
{
    private readonly StandInHandler issues = new(WebhookCatalog.Issue);
    private readonly StandInHandler installations = new(WebhookCatalog.Installation);
    private readonly ProcessingServices services;

    public ProcessingPassTests() => services = new ProcessingServices(issues, installations);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private ProcessingPass Pass => services.Get<ProcessingPass>();

    public ValueTask InitializeAsync() => new(services.StartAsync());

    public ValueTask DisposeAsync() => services.DisposeAsync();

    [Fact]
    public async Task A_delivery_whose_handler_fails_is_retrying_with_the_schedules_next_attempt()
    {
        issues.Fail();
        var id = await services.StoreAsync(WebhookCatalog.Issue);

        var taken = await Pass.ProcessDueAsync(Cancel);

        var delivery = await services.FindAsync(id);
        Assert.Equal(1, taken);
        Assert.Equal(
            (DeliveryState.Retrying, 1, services.Clock.GetUtcNow() + ProcessingSchedule.DelayAfter(1), "InvalidOperationException: injected failure"),
            (delivery.State, delivery.Attempts, delivery.NextAttemptAt, delivery.LastError));
    }

    [Fact]
    public async Task A_retrying_delivery_is_taken_when_its_next_attempt_is_due_and_not_a_millisecond_before()
    {
        issues.Fail(times: 1);
        var id = await services.StoreAsync(WebhookCatalog.Issue);
        await Pass.ProcessDueAsync(Cancel);

        services.Clock.Advance(ProcessingSchedule.DelayAfter(1) - TimeSpan.FromMilliseconds(1));
        var early = await Pass.ProcessDueAsync(Cancel);
        services.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var due = await Pass.ProcessDueAsync(Cancel);

        var delivery = await services.FindAsync(id);
        Assert.Equal((0, 1), (early, due));
        Assert.Equal((DeliveryState.Processed, 2, (string?)null), (delivery.State, delivery.Attempts, delivery.LastError));
    }

    [Fact]
    public async Task The_last_failed_attempt_marks_the_delivery_dead_and_it_is_never_taken_again()
    {
        issues.Fail();
        var id = await services.StoreAsync(WebhookCatalog.Issue);

        for (var attempt = 1; attempt <= ProcessingSchedule.MaxAttempts; attempt++)
        {
            await Pass.ProcessDueAsync(Cancel);
            services.Clock.Advance(ProcessingSchedule.DelayAfter(attempt));
        }

        services.Clock.Advance(TimeSpan.FromHours(1));
        var afterDeath = await Pass.ProcessDueAsync(Cancel);

        var delivery = await services.FindAsync(id);
        Assert.Equal((DeliveryState.Dead, ProcessingSchedule.MaxAttempts, 0), (delivery.State, delivery.Attempts, afterDeath));
        Assert.Equal(ProcessingSchedule.MaxAttempts, issues.Calls);
    }

    [Fact]
    public async Task A_failing_delivery_does_not_hold_up_the_ones_behind_it()
    {
        issues.Fail();
        var failing = await services.StoreAsync(WebhookCatalog.Issue);
        var behind = await services.StoreAsync(WebhookCatalog.Comment);

        var taken = await Pass.ProcessDueAsync(Cancel);

        Assert.Equal(2, taken);
        Assert.Equal((DeliveryState.Retrying, DeliveryState.Processed), ((await services.FindAsync(failing)).State, (await services.FindAsync(behind)).State));
    }

    [Fact]
    public async Task Nothing_due_is_a_pass_that_takes_nothing()
    {
        await services.StoreAsync(WebhookCatalog.Issue, state: DeliveryState.Processed);

        Assert.Equal(0, await Pass.ProcessDueAsync(Cancel));
    }

    [Fact]
    public async Task Every_outcome_is_published_as_a_state_change()
    {
        using var subscription = services.Get<DeliveryPublisher>().Subscribe();
        var first = await services.StoreAsync(WebhookCatalog.Comment);
        var second = await services.StoreAsync(WebhookCatalog.Issue);

        await Pass.ProcessDueAsync(Cancel);

        var published = new List<DeliverySummary>();
        while (subscription.Reader.TryRead(out var summary))
        {
            published.Add(summary);
        }

        Assert.Equal([(first, DeliverySummaryKind.StateChanged), (second, DeliverySummaryKind.StateChanged)], published.Select(s => (s.Id, s.Kind)));
    }

    [Fact]
    public async Task An_error_too_long_to_store_is_cut_to_the_stored_length()
    {
        issues.Fail(new string('x', 5000));
        var id = await services.StoreAsync(WebhookCatalog.Issue);

        await Pass.ProcessDueAsync(Cancel);

        var error = (await services.FindAsync(id)).LastError!;
        Assert.Equal(ErrorText.MaxLength, error.Length);
        Assert.EndsWith("…", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reason_for_attention_too_long_to_store_is_cut_to_the_stored_length()
    {
        issues.Work = _ => Task.FromResult(HandlerOutcome.NeedsAttention(new string('x', 5000)));
        var id = await services.StoreAsync(WebhookCatalog.Issue);

        await Pass.ProcessDueAsync(Cancel);

        var delivery = await services.FindAsync(id);
        Assert.Equal((DeliveryState.NeedsAttention, ErrorText.MaxLength), (delivery.State, delivery.LastError!.Length));
    }

    [Fact]
    public async Task A_body_that_repeats_a_property_is_kept_as_unparsed_without_reaching_its_handler()
    {
        var id = await services.StoreAsync(WebhookCatalog.Issue, body: Encoding.UTF8.GetBytes("""{"action":"created","action":"deleted"}"""));

        await Pass.ProcessDueAsync(Cancel);

        var delivery = await services.FindAsync(id);
        Assert.Equal((DeliveryState.Processed, DeliveryFlags.Unparsed, 0), (delivery.State, delivery.Flags, issues.Calls));
    }

    [Fact]
    public async Task A_delivery_naming_an_installation_nobody_recorded_by_its_processing_is_an_orphan()
    {
        var id = await services.StoreAsync(WebhookCatalog.Issue, installation: Guid.NewGuid());

        await Pass.ProcessDueAsync(Cancel);

        var delivery = await services.FindAsync(id);
        Assert.Equal((DeliveryFlags.Orphan, (long?)null), (delivery.Flags, delivery.OrganizationId));
    }

    [Fact]
    public async Task A_delivery_behind_the_installation_created_that_records_its_installation_is_no_orphan()
    {
        var installation = Guid.NewGuid();
        installations.Work = async _ =>
        {
            await services.InstallAsync(installation, 42);
            return HandlerOutcome.Done;
        };
        var created = await services.StoreAsync(WebhookCatalog.Installation, installation);
        var behind = await services.StoreAsync(WebhookCatalog.Issue, installation);

        await Pass.ProcessDueAsync(Cancel);

        Assert.Equal((DeliveryFlags.None, (long?)42), Flagged(await services.FindAsync(created)));
        Assert.Equal((DeliveryFlags.None, (long?)42), Flagged(await services.FindAsync(behind)));
    }

    private static (DeliveryFlags, long?) Flagged(WebhookDelivery delivery) => (delivery.Flags, delivery.OrganizationId);
}
