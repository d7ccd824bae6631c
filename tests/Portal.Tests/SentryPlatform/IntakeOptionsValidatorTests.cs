using Portal.SentryPlatform;

namespace Portal.Tests.SentryPlatform;

public sealed class IntakeOptionsValidatorTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.True(new IntakeOptionsValidator().Validate(null, new IntakeOptions()).Succeeded);
    }

    [Fact]
    public void A_budget_that_leaves_no_room_for_a_2_MiB_body_beside_the_reserve_names_both_keys()
    {
        var result = new IntakeOptionsValidator().Validate(null, new IntakeOptions { UnverifiedBodyBudgetBytes = 3 * 1024 * 1024, SmallBodyReserveBytes = 2 * 1024 * 1024 });

        Assert.Contains("Portal:Intake:UnverifiedBodyBudgetBytes must exceed Portal:Intake:SmallBodyReserveBytes by at least 2097152", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reserve_smaller_than_one_small_delivery_is_refused()
    {
        var result = new IntakeOptionsValidator().Validate(null, new IntakeOptions { SmallBodyReserveBytes = 1000 });

        Assert.Contains("Portal:Intake:SmallBodyReserveBytes must be at least 65536", result.FailureMessage, StringComparison.Ordinal);
    }
}
