using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.AlertRuleActions;

/// <summary>
/// The alert-rule action against the real host: Sentry's settings check before a rule is saved, and the tickets
/// event_alert and metric_alert webhooks open, update and resolve — with the sample bodies as Sentry sends them.
/// </summary>
public sealed class AlertRuleActionTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new();
    private HttpClient client = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        client = portal.CreateClient();

        // Recorded from the signed payload (the grant exchange fails: Sentry is a closed port here).
        // (it keeps retrying the exchange, so it is not "processed"; the installation row is what matters here).
        using (var install = await client.SendAsync(SignedRequests.Webhook(SampleDeliveries.Named("webhook.installation.created.json")), Cancel))
        {
            Assert.Equal(HttpStatusCode.Accepted, install.StatusCode);
        }

        await Eventually.TrueAsync(async () =>
        {
            await using var db = portal.OpenDatabase();
            return await db.Installations.AnyAsync(Cancel);
        }, "the installation recorded");
    }

    public async ValueTask DisposeAsync() => await portal.DisposeAsync();

    [Fact]
    public async Task Settings_are_accepted_only_when_a_ticket_could_be_made_from_them()
    {
        var sample = Sample("ui.alert-rule-action.json");

        var unknownAssignee = await ValidateAsync(sample);
        await using (var db = portal.OpenDatabase())
        {
            db.OrganizationPeople.Add(new OrganizationPerson { OrganizationId = 5, SentryUserId = "7", Name = "Bob", LastSeenAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync(Cancel);
        }

        var saved = await ValidateAsync(sample);
        var noTitle = await ValidateAsync(Encoding.ASCII.GetBytes("""{"fields":[{"name":"priority","value":"high"}],"installationId":"a8e5d37a-696c-4c54-adb5-b3f28d64c7de"}"""));
        var badPriority = await ValidateAsync(Encoding.ASCII.GetBytes("""{"fields":[{"name":"title","value":"x"},{"name":"priority","value":"urgent"}],"installationId":"a8e5d37a-696c-4c54-adb5-b3f28d64c7de"}"""));
        var unknownInstallation = await ValidateAsync(Encoding.ASCII.GetBytes("""{"fields":[{"name":"title","value":"x"}],"installationId":"ffffffff-0000-4000-8000-000000000000"}"""));

        Assert.Equal((400, "Pick the assignee from the list; the portal does not know that person in this organization."), unknownAssignee);
        Assert.Equal((200, "Saved: the portal opens a ticket when this alert fires."), saved);
        Assert.Equal((400, "Give the tickets this alert opens a title."), noTitle);
        Assert.Equal((400, "Pick the priority from the list (High, Medium or Low)."), badPriority);
        Assert.Equal(404, unknownInstallation.Status);
    }

    [Fact]
    public async Task A_bad_signature_is_refused()
    {
        var body = Sample("ui.alert-rule-action.json");
        using var request = SignedRequests.UiComponent("/sentry/alert-rule-action", body, "not-the-secret");

        using var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task An_issue_alert_opens_a_ticket_for_rule_and_issue_and_firing_again_updates_and_reopens_it()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var first = Sample("webhook.event_alert.triggered.json");

        await DeliverAsync(first, "event_alert", now);
        var ticket = await SingleTicketAsync();
        Assert.Equal("Checkout is failing", ticket.Title);
        Assert.Equal(TicketPriority.High, ticket.Priority);
        Assert.Equal("Alert rule “Checkout errors”", ticket.CreatedBy);
        Assert.Equal(1170820242, Assert.Single(ticket.Links).SentryIssueId);

        await using (var db = portal.OpenDatabase())
        {
            await db.Tickets.ExecuteUpdateAsync(t => t.SetProperty(x => x.Status, TicketStatus.Resolved), Cancel);
        }

        // The same rule fires again for the same issue (a new event), and once more as a duplicate delivery.
        var again = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(first).Replace("bb78c1407cea4519aa397afc059c793d", "cc78c1407cea4519aa397afc059c793d", StringComparison.Ordinal));
        await DeliverAsync(again, "event_alert", now + 60);
        await DeliverAsync(again, "event_alert", now + 60, duplicate: true);

        ticket = await SingleTicketAsync();
        Assert.Equal(TicketStatus.Open, ticket.Status);
        Assert.Contains(ticket.Comments, c => c.Text.StartsWith("Fired again", StringComparison.Ordinal));
        Assert.Single(ticket.Comments);
    }

    [Fact]
    public async Task A_metric_alert_opens_one_ticket_per_incident_and_resolving_it_resolves_the_ticket_whatever_the_order()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        await DeliverAsync(Sample("webhook.metric_alert.critical.json"), "metric_alert", now);
        await DeliverAsync(Sample("webhook.metric_alert.warning.json"), "metric_alert", now + 30);
        var ticket = await SingleTicketAsync();
        Assert.Equal("Checkout is failing", ticket.Title);
        Assert.Equal(TicketStatus.Open, ticket.Status);

        await DeliverAsync(Sample("webhook.metric_alert.resolved.json"), "metric_alert", now + 60);
        Assert.Equal(TicketStatus.Resolved, (await SingleTicketAsync()).Status);

        // A critical sent before the resolution but delivered after it (a retry) does not reopen the ticket.
        var late = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(Sample("webhook.metric_alert.critical.json")).Replace("Critical: Too many errors", "Critical: Too many errors ", StringComparison.Ordinal));
        await DeliverAsync(late, "metric_alert", now + 10);
        Assert.Equal(TicketStatus.Resolved, (await SingleTicketAsync()).Status);
    }

    private static byte[] Sample(string file) => File.ReadAllBytes(Path.Combine(RepoPaths.Samples, file));

    private async Task<(int Status, string Message)> ValidateAsync(byte[] body)
    {
        using var response = await client.SendAsync(SignedRequests.UiComponent("/sentry/alert-rule-action", body), Cancel);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement;
        return ((int)response.StatusCode, json.GetProperty("message").GetString()!);
    }

    private async Task DeliverAsync(byte[] body, string resource, long at, bool duplicate = false)
    {
        using var request = SignedRequests.Webhook(resource, body, timestamp: at.ToString(CultureInfo.InvariantCulture));
        using var response = await client.SendAsync(request, Cancel);
        Assert.Equal(duplicate ? HttpStatusCode.OK : HttpStatusCode.Accepted, response.StatusCode);
        await portal.ProcessedDeliveryAsync(body);
    }

    private async Task<Ticket> SingleTicketAsync()
    {
        await using var db = portal.OpenDatabase();
        return await db.Tickets.AsNoTracking().Include(t => t.Links).Include(t => t.Comments).SingleAsync(Cancel);
    }
}
