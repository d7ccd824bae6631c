using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.SignIn;

public sealed class LocalSignInTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task In_development_without_sign_in_configured_the_local_sign_in_is_offered_and_works()
    {
        var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await browser.GetStringAsync("/signin?returnUrl=/installations", TestContext.Current.CancellationToken);
        var token = LocalSignIn.AntiforgeryTokenOf(page);

        using var signedIn = await browser.PostAsync("/signin/local", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["returnUrl"] = "/installations",
        }), TestContext.Current.CancellationToken);

        Assert.Contains("Development only", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/installations", signedIn.Headers.Location!.OriginalString);
        Assert.Contains("Local developer", await browser.GetStringAsync("/", TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_local_sign_in_refuses_a_post_without_the_antiforgery_token()
    {
        var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var refused = await browser.PostAsync("/signin/local", new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "/" }), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }
}
