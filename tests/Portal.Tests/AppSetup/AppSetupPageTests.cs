using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.AppSetup;
using Portal.SentryPlatform;
using Portal.Shell;
using Portal.Tests.TestSupport;

namespace Portal.Tests.AppSetup;

public sealed class AppSetupPageTests : PortalComponentTest
{
    public AppSetupPageTests()
        : base(services =>
        {
            services.AddSingleton(Options.Create(new SentryOptions { AppSlug = "acme-portal", VerifyInstallation = true }));
            services.AddSingleton(Options.Create(new PortalOptions()));
        })
    {
    }

    private PortalOptions Portal => Services.GetRequiredService<IOptions<PortalOptions>>().Value;

    [Fact]
    public void Without_a_public_address_the_values_use_the_pages_address_and_say_so()
    {

        var cut = Render<AppSetupPage>();

        var values = cut.FindAll("[data-testid=setup-value]").Select(v => v.TextContent).ToList();
        Assert.Contains("http://localhost/sentry/webhook", values);
        Assert.Contains("http://localhost/sentry/setup", values);
        Assert.Contains("http://localhost/signin-sentry", values);
        Assert.Contains("On", values);
        Assert.NotNull(cut.Find("[data-testid=base-url-warning]"));
    }

    [Fact]
    public void With_a_public_address_every_value_uses_it()
    {
        Portal.PublicBaseUrl = new Uri("https://portal.example.com/");

        var cut = Render<AppSetupPage>();

        var urls = cut.FindAll("[data-testid=setup-value]").Select(v => v.TextContent).Where(v => v.Contains("://", StringComparison.Ordinal)).ToList();
        Assert.Equal(["https://portal.example.com/sentry/webhook", "https://portal.example.com/sentry/setup", "https://portal.example.com/signin-sentry"], urls);
        Assert.Empty(cut.FindAll("[data-testid=base-url-warning]"));
    }

    [Fact]
    public void The_schema_to_paste_is_the_one_served_at_sentry_schema_json()
    {
        var cut = Render<AppSetupPage>();

        var values = cut.FindAll("[data-testid=setup-value]").Select(v => v.TextContent).ToList();
        Assert.Contains(global::Portal.IssueLinking.UiComponentSchema.Build().ToJsonString(), values);
        Assert.Contains("/sentry/schema.json", cut.Find("[data-testid=schema-note]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_copy_button_puts_the_value_on_the_clipboard()
    {
        Render<MudBlazor.MudPopoverProvider>();

        var cut = Render<AppSetupPage>();
        cut.FindAll("[data-testid=copy]")[0].Click();

        var call = Assert.Single(JSInterop.Invocations, i => i.Identifier == "navigator.clipboard.writeText");
        Assert.Equal("http://localhost/sentry/webhook", call.Arguments[0]);
    }
}
