using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.IntegrationTests.Browser;

/// <summary>Signing out in one tab ends the session's open pages in the others: their circuits go, the sign-in page comes.</summary>
public sealed partial class SessionEndInBrowserTests(BrowserSession session) : IClassFixture<BrowserSession>
{
    [Fact]
    public async Task Signing_out_in_one_tab_takes_the_other_open_pages_to_the_sign_in_page()
    {
        BrowserSession.SkipWithoutChromium();
        await using var context = await session.Browser.NewContextAsync();
        var open = await context.NewPageAsync();
        await open.GotoAsync(new Uri(session.BaseAddress, "/").ToString());
        await open.GetByTestId("signin-local").ClickAsync();
        await Assertions.Expect(open.GetByTestId("live-status")).ToContainTextAsync("Live");

        var other = await context.NewPageAsync();
        await other.GotoAsync(new Uri(session.BaseAddress, "/tickets").ToString());
        await Assertions.Expect(other.GetByTestId("sign-out")).ToBeVisibleAsync();
        await other.GetByTestId("sign-out").ClickAsync();
        await Assertions.Expect(other).ToHaveURLAsync(SignInPage());

        await Assertions.Expect(open).ToHaveURLAsync(SignInPage(), new PageAssertionsToHaveURLOptions { Timeout = 15_000 });
        await Assertions.Expect(open.GetByTestId("signin-local")).ToBeVisibleAsync();
    }

    [GeneratedRegex("/signin")]
    private static partial Regex SignInPage();
}
