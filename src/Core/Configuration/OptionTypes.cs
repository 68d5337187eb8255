namespace StreamJepa.Core.Configuration;

/// <summary>The types reachable from <see cref="StreamJepaOptions"/>, found by name for error messages.</summary>
internal static class OptionTypes
{
    private static readonly Dictionary<string, Type> ByName = Collect();

    public static Type? Find(string fullName) =>
        ByName.TryGetValue(fullName.TrimEnd('?'), out var type) ? type : Type.GetType(fullName);

    private static Dictionary<string, Type> Collect()
    {
        var found = new Dictionary<string, Type>(StringComparer.Ordinal);
        var pending = new Stack<Type>([typeof(StreamJepaOptions)]);
        while (pending.TryPop(out var type))
        {
            if (type.FullName is null || !found.TryAdd(type.FullName, type))
            {
                continue;
            }

            foreach (var property in type.GetProperties())
            {
                var candidate = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                if (candidate.IsGenericType)
                {
                    candidate = candidate.GetGenericArguments()[0];
                }

                if (candidate.Namespace == typeof(OptionTypes).Namespace)
                {
                    pending.Push(candidate);
                }
            }
        }

        return found;
    }
}
