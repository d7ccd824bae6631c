using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.SignIn;

/// <summary><c>POST /signout</c> signs out only with the antiforgery token the layout's sign-out form carries.</summary>
public sealed class SigningOutTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_sign_out_post_without_the_antiforgery_token_is_answered_400_and_the_person_stays_signed_in()
    {
        var browser = await SignedInBrowserAsync();

        using var refused = await browser.PostAsync("/signout", new FormUrlEncodedContent([]), Cancel);
        using var page = await browser.GetAsync("/", Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Local developer", await page.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sign_out_post_with_the_layouts_token_signs_the_person_out()
    {
        var browser = await SignedInBrowserAsync();
        var token = LocalSignIn.AntiforgeryTokenOf(await browser.GetStringAsync("/", Cancel));

        using var signedOut = await browser.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), Cancel);
        using var page = await browser.GetAsync("/", Cancel);

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal("/signin", signedOut.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/signin", page.Headers.Location!.AbsolutePath);
    }

    private async Task<HttpClient> SignedInBrowserAsync()
    {
        var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await LocalSignIn.SignInAsync(browser, Cancel);
        return browser;
    }
}
