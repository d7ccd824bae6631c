using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Browser;

/// <summary>
/// The issue-link round trip as people meet it: Sentry's server calls the create endpoint (the modal's request,
/// byte for byte), and the webUrl the portal answers opens the ticket in a real browser.
/// </summary>
public sealed class LinkingAnIssueTests(BrowserSession session) : IClassFixture<BrowserSession>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_issue_linked_from_Sentrys_modal_opens_as_a_ticket_that_can_be_commented_on()
    {
        BrowserSession.SkipWithoutChromium();
        var page = await session.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        var problems = new List<string>();
        page.PageError += (_, error) => problems.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Add(message.Text);
            }
        };

        using var client = new HttpClient { BaseAddress = session.BaseAddress };
        using (var install = await client.SendAsync(SignedRequests.Webhook(SampleDeliveries.Named("webhook.installation.created.json")), Cancel))
        {
            Assert.Equal(HttpStatusCode.Accepted, install.StatusCode);
        }

        await Eventually.TrueAsync(async () =>
        {
            await using var db = session.Factory.OpenDatabase();
            return db.Installations.Any();
        }, "the installation recorded");

        var body = File.ReadAllBytes(Path.Combine(RepoPaths.Samples, "ui.issue-link.create.json"));
        using var create = await client.SendAsync(SignedRequests.UiComponent("/sentry/issue-link/create", body), Cancel);
        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        var answer = JsonDocument.Parse(await create.Content.ReadAsStringAsync(Cancel)).RootElement;
        var webUrl = answer.GetProperty("webUrl").GetString()!;
        Assert.StartsWith(session.BaseAddress.ToString().TrimEnd('/') + "/tickets/", webUrl, StringComparison.Ordinal);

        // Someone following Sentry's sidebar link signs in first, then lands on the ticket.
        await page.GotoAsync(webUrl);
        await page.GetByTestId("signin-local").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(webUrl);
        await Assertions.Expect(page.GetByTestId("ticket-title")).ToHaveTextAsync("ZeroDivisionError: café total");
        await Assertions.Expect(page.GetByTestId("ticket-description")).ToHaveTextAsync("Raised in checkout.views.total");
        var issueLink = page.GetByTestId("linked-issue").Locator("a");
        await Assertions.Expect(issueLink).ToHaveAttributeAsync("href", "https://test-org.sentry.io/issues/1170820242/");

        await page.Locator("[data-testid=comment-text] textarea, textarea[data-testid=comment-text]").FillAsync("Looking into it: the total is a Decimal.");
        await page.GetByTestId("comment-add").ClickAsync();
        await Assertions.Expect(page.GetByTestId("comment")).ToContainTextAsync("Looking into it: the total is a Decimal.");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserSession.ScreenshotDirectory, "ticket.png"), FullPage = true });

        await page.GotoAsync(new Uri(session.BaseAddress, "/tickets").ToString());
        await Assertions.Expect(page.GetByTestId("ticket-link")).ToHaveTextAsync($"PORTAL#{answer.GetProperty("identifier").GetString()}");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserSession.ScreenshotDirectory, "tickets.png"), FullPage = true });
        Assert.Empty(problems);
    }
}
