using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.IssueLinking;

/// <summary>
/// The Link Issue modal's endpoints against the real host and SQLite, with the request bodies exactly as Sentry
/// encodes them (sentry-samples/ui.issue-link.*.json, signed with the sample secret).
/// </summary>
public sealed class IssueLinkEndpointsTests : IAsyncLifetime
{
    private const string SampleInstallation = "a8e5d37a-696c-4c54-adb5-b3f28d64c7de";
    private static readonly Guid OtherInstallation = Guid.Parse("0b0b0b0b-1111-4222-8333-444444444444");

    private readonly PortalFactory portal = new();
    private HttpClient client = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        client = portal.CreateClient();
        await portal.AddOrganizationAsync(TestOrg, "test-org");
        await portal.AddOrganizationAsync(Globex, "globex");
        await using var db = portal.OpenDatabase();
        db.Installations.AddRange(
            new Installation { Uuid = Guid.Parse(SampleInstallation), AppSlug = "acme-portal", OrganizationId = TestOrg, Status = InstallationStatus.Installed, InstalledAt = DateTimeOffset.UtcNow },
            new Installation { Uuid = OtherInstallation, AppSlug = "acme-portal", OrganizationId = Globex, Status = InstallationStatus.Installed, InstalledAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync(Cancel);
    }

    public async ValueTask DisposeAsync() => await portal.DisposeAsync();

    [Fact]
    public async Task Create_with_the_sample_body_makes_a_ticket_and_answers_the_three_strings_Sentry_stores()
    {
        using var response = await client.SendAsync(Signed("/sentry/issue-link/create", Sample("ui.issue-link.create.json")), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await AnswerAsync(response);
        var ticket = await SingleTicketAsync();
        Assert.Equal("ZeroDivisionError: café total", ticket.Title);
        Assert.Equal("Raised in checkout.views.total", ticket.Description);
        Assert.Equal(TicketPriority.High, ticket.Priority);
        Assert.Equal("José María", ticket.CreatedBy);
        Assert.Equal(TestOrg, ticket.OrganizationId);
        var link = Assert.Single(ticket.Links);
        Assert.Equal(1170820242, link.SentryIssueId);
        Assert.Equal("front-end", link.ProjectSlug);
        Assert.Equal("https://test-org.sentry.io/issues/1170820242/", link.WebUrl);
        Assert.Equal($"http://localhost/tickets/{ticket.Id}", answer.GetProperty("webUrl").GetString());
        Assert.Equal("PORTAL", answer.GetProperty("project").GetString());
        Assert.Equal(ticket.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), answer.GetProperty("identifier").GetString());
        AssertIssueLinkerSchema(answer);
    }

    [Fact]
    public async Task A_repeated_create_for_the_same_issue_answers_the_same_ticket_and_makes_no_second()
    {
        var body = Sample("ui.issue-link.create.json");

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await client.SendAsync(Signed("/sentry/issue-link/create", body), Cancel);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await AnswerAsync(response)).GetProperty("identifier").GetString();
        }));

        Assert.Single(answers.Distinct());
        await using var db = portal.OpenDatabase();
        Assert.Equal(1, await db.Tickets.CountAsync(Cancel));
        Assert.Equal(1, await db.IssueLinks.CountAsync(Cancel));
    }

    [Fact]
    public async Task Link_attaches_an_existing_ticket_of_the_same_organization()
    {
        var ticket = await AddTicketAsync("test-org", 17, "Checkout is slow");

        using var response = await client.SendAsync(Signed("/sentry/issue-link/link", Sample("ui.issue-link.link.json")), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await AnswerAsync(response);
        Assert.Equal("17", answer.GetProperty("identifier").GetString());
        Assert.Equal($"http://localhost/tickets/{ticket.Id}", answer.GetProperty("webUrl").GetString());
        await using var db = portal.OpenDatabase();
        var link = await db.IssueLinks.SingleAsync(Cancel);
        Assert.Equal(ticket.Id, link.TicketId);
        Assert.Equal(1170820242, link.SentryIssueId);
    }

    [Fact]
    public async Task Another_organizations_ticket_cannot_be_linked_and_the_message_says_nothing_of_it()
    {
        await AddTicketAsync("globex", 17, "Globex secret project");

        using var response = await client.SendAsync(Signed("/sentry/issue-link/link", Sample("ui.issue-link.link.json")), Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var message = await MessageAsync(response);
        Assert.Equal("That ticket does not exist in this organization. Pick one from the list.", message);
        await using var db = portal.OpenDatabase();
        Assert.Equal(0, await db.IssueLinks.CountAsync(Cancel));
    }

    [Fact]
    public async Task A_bad_signature_is_refused_with_401_and_nothing_is_stored()
    {
        var body = Sample("ui.issue-link.create.json");
        using var request = Signed("/sentry/issue-link/create", body);
        request.Headers.Remove("Sentry-App-Signature");
        request.Headers.Add("Sentry-App-Signature", SignedRequests.Sign(body, "not-the-secret"));
        using var hookSigned = Signed("/sentry/issue-link/create", body);
        hookSigned.Headers.Remove("Sentry-App-Signature");
        hookSigned.Headers.Add("Sentry-Hook-Signature", SignedRequests.Sign(body));

        using var wrong = await client.SendAsync(request, Cancel);
        using var wrongHeader = await client.SendAsync(hookSigned, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongHeader.StatusCode);
        await using var db = portal.OpenDatabase();
        Assert.Equal(0, await db.Tickets.CountAsync(Cancel));
    }

    [Theory]
    [InlineData("""{"fields":{"title":"x"},"issueId":1,"installationId":"ffffffff-0000-4000-8000-000000000000","actor":{"type":"user","id":1,"name":"A"}}""", 404, "The portal does not know this installation. Reinstall the app in Sentry or ask your portal administrator.")]
    [InlineData("""{"fields":{"title":"  "},"issueId":1,"installationId":"a8e5d37a-696c-4c54-adb5-b3f28d64c7de"}""", 400, "Give the ticket a title.")]
    [InlineData("""{"fields":{"title":"x","priority":"urgent"},"issueId":1,"installationId":"a8e5d37a-696c-4c54-adb5-b3f28d64c7de"}""", 400, "Pick the priority from the list (High, Medium or Low).")]
    [InlineData("""{"fields":{"title":"x","assignee":"4242"},"issueId":1,"installationId":"a8e5d37a-696c-4c54-adb5-b3f28d64c7de"}""", 400, "Pick the assignee from the list; the portal does not know that person in this organization.")]
    [InlineData("""{"fields":{"title":"x"},"issueId":"not a number","installationId":"a8e5d37a-696c-4c54-adb5-b3f28d64c7de"}""", 400, "The portal could not read this request. Try again; if it keeps failing, tell your portal administrator.")]
    [InlineData("""[1,2,3]""", 400, "The portal could not read this request. Try again; if it keeps failing, tell your portal administrator.")]
    public async Task Every_refusal_is_a_4xx_with_a_short_message_from_the_catalogue(string body, int status, string message)
    {
        using var response = await client.SendAsync(Signed("/sentry/issue-link/create", Encoding.UTF8.GetBytes(body)), Cancel);

        Assert.Equal(status, (int)response.StatusCode);
        var said = await MessageAsync(response);
        Assert.Equal(message, said);
        Assert.True(said.Length <= 200);
    }

    [Fact]
    public async Task An_uninstalled_installation_is_told_to_install_again()
    {
        await using (var db = portal.OpenDatabase())
        {
            await db.Installations.Where(i => i.OrganizationId == TestOrg).ExecuteUpdateAsync(i => i.SetProperty(x => x.Status, InstallationStatus.Uninstalled), Cancel);
        }

        using var response = await client.SendAsync(Signed("/sentry/issue-link/create", Sample("ui.issue-link.create.json")), Cancel);

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Contains("uninstalled", await MessageAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ticket_options_are_the_installations_organizations_tickets_filtered_by_query_at_most_100()
    {
        for (var number = 1; number <= 120; number++)
        {
            await AddTicketAsync("test-org", number, number == 7 ? "Checkout crash" : $"Ticket {number}");
        }

        await AddTicketAsync("globex", 500, "Checkout at Globex");

        var all = await OptionsAsync($"/sentry/options/tickets?installationId={SampleInstallation}");
        var checkout = await OptionsAsync($"/sentry/options/tickets?installationId={SampleInstallation}&projectSlug=front-end&query=checkout");
        var byNumber = await OptionsAsync($"/sentry/options/tickets?installationId={SampleInstallation}&query=%237");

        Assert.Equal(100, all.GetArrayLength());
        Assert.All(all.EnumerateArray(), AssertSelectOption);
        var only = Assert.Single(checkout.EnumerateArray());
        Assert.Equal("7", only.GetProperty("value").GetString());
        Assert.Equal("#7 · Checkout crash", only.GetProperty("label").GetString());
        Assert.Contains(byNumber.EnumerateArray(), o => o.GetProperty("value").GetString() == "7");
    }

    [Fact]
    public async Task Options_honour_dependent_data_and_refuse_what_is_not_a_json_object()
    {
        await AddTicketAsync("test-org", 1, "Low one", TicketPriority.Low);
        await AddTicketAsync("test-org", 2, "High one", TicketPriority.High);

        var high = await OptionsAsync($"/sentry/options/tickets?installationId={SampleInstallation}&dependentData={Uri.EscapeDataString("""{"priority":"high"}""")}");
        using var broken = await client.SendAsync(SignedGet($"/sentry/options/tickets?installationId={SampleInstallation}&dependentData=%5B1%5D"), Cancel);

        Assert.Equal("2", Assert.Single(high.EnumerateArray()).GetProperty("value").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
    }

    [Fact]
    public async Task Assignee_options_are_people_met_in_that_organization_only()
    {
        using (var create = await client.SendAsync(Signed("/sentry/issue-link/create", Sample("ui.issue-link.create.json")), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        }

        await using (var db = portal.OpenDatabase())
        {
            db.OrganizationPeople.Add(new OrganizationPerson { OrganizationId = Globex, SentryUserId = "99", Name = "Globex Person", LastSeenAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync(Cancel);
        }

        var people = await OptionsAsync($"/sentry/options/assignees?installationId={SampleInstallation}");
        var none = await OptionsAsync($"/sentry/options/assignees?installationId={SampleInstallation}&query=globex");

        var jose = Assert.Single(people.EnumerateArray());
        Assert.Equal("José María", jose.GetProperty("label").GetString());
        Assert.Equal("1", jose.GetProperty("value").GetString());
        Assert.Equal(0, none.GetArrayLength());
    }

    [Fact]
    public async Task Options_are_read_only_and_need_the_signature_over_the_empty_string_and_a_known_installation()
    {
        using var unsigned = new HttpRequestMessage(HttpMethod.Get, $"/sentry/options/tickets?installationId={SampleInstallation}");
        using var unknown = SignedGet("/sentry/options/tickets?installationId=ffffffff-0000-4000-8000-000000000000");
        using var malformed = SignedGet("/sentry/options/tickets?installationId=%3Cscript%3E");

        using var unsignedResponse = await client.SendAsync(unsigned, Cancel);
        using var unknownResponse = await client.SendAsync(unknown, Cancel);
        using var malformedResponse = await client.SendAsync(malformed, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, unsignedResponse.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownResponse.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, malformedResponse.StatusCode);
        await using var db = portal.OpenDatabase();
        Assert.Equal(0, await db.Tickets.CountAsync(Cancel));
        Assert.Equal(0, await db.OrganizationPeople.CountAsync(Cancel));
    }

    private static byte[] Sample(string file) => File.ReadAllBytes(Path.Combine(RepoPaths.Samples, file));

    private static HttpRequestMessage Signed(string path, byte[] body) => SignedRequests.UiComponent(path, body);

    // Sentry signs the select-options GET over "" (sentry-contract.md §3.4): the sample README's constant.
    private static HttpRequestMessage SignedGet(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Sentry-App-Signature", "49a3b25a87aece0643046e7f78fed5b47e1090dabf19c2124daaebacfdaf55b5");
        return request;
    }

    private async Task<JsonElement> OptionsAsync(string path)
    {
        using var response = await client.SendAsync(SignedGet(path), Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var options = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement;
        Assert.Equal(JsonValueKind.Array, options.ValueKind);
        return options;
    }

    private static async Task<JsonElement> AnswerAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement;

    private static async Task<string> MessageAsync(HttpResponseMessage response)
    {
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement;
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        return body.GetProperty("message").GetString()!;
    }

    // ISSUE_LINKER_SCHEMA: an object with webUrl, project and identifier, all strings.
    private static void AssertIssueLinkerSchema(JsonElement answer)
    {
        Assert.Equal(JsonValueKind.Object, answer.ValueKind);
        foreach (var key in new[] { "webUrl", "project", "identifier" })
        {
            Assert.Equal(JsonValueKind.String, answer.GetProperty(key).ValueKind);
        }
    }

    // SELECT_OPTIONS_SCHEMA plus Sentry's own check: every option has a string label and value.
    private static void AssertSelectOption(JsonElement option)
    {
        Assert.Equal(JsonValueKind.String, option.GetProperty("label").ValueKind);
        Assert.Equal(JsonValueKind.String, option.GetProperty("value").ValueKind);
    }

    private async Task<Ticket> SingleTicketAsync()
    {
        await using var db = portal.OpenDatabase();
        return await db.Tickets.Include(t => t.Links).SingleAsync(Cancel);
    }

    private const long TestOrg = 5;
    private const long Globex = 43;

    private async Task<Ticket> AddTicketAsync(string organization, int number, string title, TicketPriority priority = TicketPriority.Medium)
    {
        await using var db = portal.OpenDatabase();
        var ticket = new Ticket
        {
            OrganizationId = organization == "globex" ? Globex : TestOrg, Number = number, Title = title, Priority = priority, CreatedBy = "test",
            CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Tickets.Add(ticket);
        await db.SaveChangesAsync(Cancel);
        return ticket;
    }
}
