namespace Portal.Installations;

/// <summary>What one instance tells the others when it learns of an installation or its organization.</summary>
internal sealed record InstallationLearned(Guid Installation, long? Organization);
