using System.Net;
using Microsoft.Playwright;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Browser;

public sealed class LiveDeliveriesPageTests(BrowserSession session) : IClassFixture<BrowserSession>
{
    // Every sample but installation.deleted, which would uninstall the organization the page shows.
    private static readonly string[] AcknowledgedStatuses = ["200", "202"];

    private static readonly int SimulatedEvents = Portal.Simulator.SentrySamples.Webhooks.Count - 1;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_delivery_sent_to_the_webhook_appears_on_the_open_page_without_a_reload_and_reaches_processed()
    {
        BrowserSession.SkipWithoutChromium();
        var page = await session.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                problems.Add(message.Text);
            }
        };
        page.PageError += (_, error) => problems.Add(error);

        // The pages are behind sign-in; in Development without SignIn:* that is the labelled local sign-in.
        await page.GotoAsync(new Uri(session.BaseAddress, "/").ToString());
        await page.GetByTestId("signin-local").ClickAsync();
        await Assertions.Expect(page.GetByTestId("live-status")).ToContainTextAsync("Live");

        using var client = new HttpClient { BaseAddress = session.BaseAddress };
        var install = await client.SendAsync(SignedRequests.Webhook(SampleDeliveries.Named("webhook.installation.created.json")), Cancel);
        var issue = await client.SendAsync(SignedRequests.Webhook(SampleDeliveries.Named("webhook.issue.created.json")), Cancel);
        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (install.StatusCode, issue.StatusCode));

        var row = page.Locator("[data-testid=deliveries] tbody tr", new PageLocatorOptions { HasText = "FRONT-END-9" });
        await Assertions.Expect(row).ToContainTextAsync("issue.created");
        await Assertions.Expect(row.GetByTestId("state")).ToHaveTextAsync("Processed");
        await Assertions.Expect(row).ToContainTextAsync("test-org");
        await Assertions.Expect(row).ToContainTextAsync("<script>alert(1)</script>");
        Assert.Equal(0, await page.EvaluateAsync<int>("document.querySelectorAll('[data-testid=deliveries] script').length"));

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserSession.ScreenshotDirectory, "deliveries.png"), FullPage = true });

        await row.GetByTestId("detail-link").ClickAsync();
        await Assertions.Expect(page.GetByTestId("payload")).ToContainTextAsync("\"shortId\": \"FRONT-END-9\"");
        await Assertions.Expect(page.GetByTestId("state")).ToHaveTextAsync("Processed");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserSession.ScreenshotDirectory, "delivery-detail.png"), FullPage = true });

        var issueUrl = page.Url;
        await page.GotoAsync($"{issueUrl}/diff/1");
        await Assertions.Expect(page.GetByTestId("diff-summary")).ToContainTextAsync("only in #1 (installation.created)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserSession.ScreenshotDirectory, "delivery-diff.png"), FullPage = true });

        await page.GotoAsync(new Uri(session.BaseAddress, "/installations").ToString());
        await Assertions.Expect(page.GetByTestId("organization")).ToHaveTextAsync("test-org");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserSession.ScreenshotDirectory, "installations.png"), FullPage = true });

        await page.GotoAsync(new Uri(session.BaseAddress, "/overview").ToString());
        await Assertions.Expect(page.GetByTestId("stat-last-hour")).ToHaveTextAsync("2");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserSession.ScreenshotDirectory, "overview.png"), FullPage = true });

        await page.GotoAsync(new Uri(session.BaseAddress, "/simulator").ToString());
        await page.GetByTestId("send-all").ClickAsync();
        await Assertions.Expect(page.GetByTestId("result-status")).ToHaveCountAsync(SimulatedEvents);
        Assert.All(await page.GetByTestId("result-status").AllTextContentsAsync(), status => Assert.Contains(status.Trim(), AcknowledgedStatuses));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserSession.ScreenshotDirectory, "simulator.png"), FullPage = true });

        // The Link Issue modal's create, as Sentry's server sends it, then the ticket it made.
        await page.GetByTestId("send-issue-link-create").ClickAsync();
        await page.GetByTestId("created-ticket").ClickAsync();
        await Assertions.Expect(page.GetByTestId("ticket-title")).ToHaveTextAsync("ZeroDivisionError: café total");

        await page.GotoAsync(new Uri(session.BaseAddress, "/code-mappings").ToString());
        await page.Locator("[data-testid=add-stack-root] input, input[data-testid=add-stack-root]").FillAsync("webpack:///src/");
        await page.Locator("[data-testid=add-source-root] input, input[data-testid=add-source-root]").FillAsync("frontend/src");
        await page.Locator("[data-testid=add-template] input, input[data-testid=add-template]").FillAsync("https://github.com/acme/web/blob/main/{path}#L{line}");
        await page.GetByTestId("add-mapping").ClickAsync();
        await Assertions.Expect(page.GetByTestId("mapping")).ToContainTextAsync("webpack:///src/");
        await page.Locator("[data-testid=try-file] input, input[data-testid=try-file]").FillAsync("webpack:///src/cart/Total.tsx");
        await Assertions.Expect(page.GetByTestId("try-result")).ToHaveTextAsync("https://github.com/acme/web/blob/main/frontend/src/cart/Total.tsx#L1");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserSession.ScreenshotDirectory, "code-mappings.png"), FullPage = true });

        await page.GotoAsync(new Uri(session.BaseAddress, "/app-setup").ToString());
        await Assertions.Expect(page.GetByTestId("setup-value").First).ToHaveTextAsync(new Uri(session.BaseAddress, "/sentry/webhook").ToString());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserSession.ScreenshotDirectory, "app-setup.png"), FullPage = true });
        Assert.Empty(problems);
    }
}
