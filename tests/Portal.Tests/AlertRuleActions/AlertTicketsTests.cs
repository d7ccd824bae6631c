using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.AlertRuleActions;
using Portal.Data.Entities;
using Portal.Tests.TestSupport;

namespace Portal.Tests.AlertRuleActions;

public sealed class AlertTicketsTests() : PortalComponentTest(TicketServices.Add)
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_rule_firing_again_notes_it_on_its_ticket_and_reopens_it_and_a_resolution_resolves_it()
    {
        var tickets = Services.GetRequiredService<AlertTickets>();

        var opened = await tickets.ApplyAlertAsync(Alert(resolved: false, "first"), Noon, Cancel);
        await tickets.ApplyAlertAsync(Alert(resolved: true, "resolved"), Noon.AddMinutes(1), Cancel);
        var again = await tickets.ApplyAlertAsync(Alert(resolved: false, "again"), Noon.AddMinutes(2), Cancel);

        Assert.Equal(opened, again);
        await using var db = OpenDatabase();
        var ticket = await db.Tickets.Include(t => t.Comments).SingleAsync(Cancel);
        Assert.Equal(TicketStatus.Open, ticket.Status);
        Assert.Equal(["resolved", "again"], ticket.Comments.OrderBy(c => c.Id).Select(c => c.Text));
    }

    [Fact]
    public async Task A_late_webhook_older_than_the_last_one_applied_changes_nothing()
    {
        var tickets = Services.GetRequiredService<AlertTickets>();
        await tickets.ApplyAlertAsync(Alert(resolved: false, "critical"), Noon, Cancel);
        await tickets.ApplyAlertAsync(Alert(resolved: true, "resolved"), Noon.AddMinutes(5), Cancel);

        var late = await tickets.ApplyAlertAsync(Alert(resolved: false, "late critical"), Noon.AddMinutes(1), Cancel);

        Assert.Null(late);
        await using var db = OpenDatabase();
        Assert.Equal(TicketStatus.Resolved, (await db.Tickets.SingleAsync(Cancel)).Status);
    }

    [Fact]
    public async Task A_resolution_for_an_incident_without_a_ticket_opens_none()
    {
        Assert.Null(await Services.GetRequiredService<AlertTickets>().ApplyAlertAsync(Alert(resolved: true, "resolved"), Noon, Cancel));

        await using var db = OpenDatabase();
        Assert.Empty(db.Tickets);
    }

    private static AlertTicket Alert(bool resolved, string note) => new(
        TestOrganizationId, "metric", "7", "31", "Metric alert “Too many errors”", resolved,
        "Checkout is failing", "", TicketPriority.High, null, null, note);
}
