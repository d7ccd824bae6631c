namespace Portal.SignIn;

/// <summary>Told of each person who signs in with Sentry (features that keep track of people implement it).</summary>
public interface ISignInListener
{
    Task SignedInAsync(SignedInPerson person, CancellationToken cancellationToken);
}
