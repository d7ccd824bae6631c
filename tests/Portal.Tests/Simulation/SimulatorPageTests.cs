using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using Portal.SentryPlatform;
using Portal.Simulation;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Simulation;

public sealed class SimulatorPageTests : PortalComponentTest
{
    public SimulatorPageTests()
        : base(services =>
        {
            services.Replace(ServiceDescriptor.Singleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = Environments.Production }));
            services.AddSingleton(Options.Create(new SentryOptions { ClientSecret = "s" }));
            services.AddHttpClient();
        })
    {
    }

    [Fact]
    public void Outside_development_the_simulator_is_not_there()
    {
        var cut = Render<SimulatorPage>();

        Assert.NotNull(cut.Find("[data-testid=simulator-unavailable]"));
        Assert.Empty(cut.FindAll("[data-testid=send-all]"));
    }
}
