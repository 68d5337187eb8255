using System.Collections.Concurrent;

namespace StreamJepa.Core.Configuration;

/// <summary>The options types reachable from a root record (those of StreamJepa's own namespaces), found by name for error messages.</summary>
internal static class OptionTypes
{
    private static readonly ConcurrentDictionary<Type, Dictionary<string, Type>> ByRoot = new();

    public static Type? Find(Type root, string fullName) =>
        ByRoot.GetOrAdd(root, Collect).TryGetValue(fullName.TrimEnd('?'), out var type) ? type : Type.GetType(fullName);

    private static Dictionary<string, Type> Collect(Type root)
    {
        var found = new Dictionary<string, Type>(StringComparer.Ordinal);
        var pending = new Stack<Type>([root]);
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

                if (candidate.Namespace?.StartsWith("StreamJepa.", StringComparison.Ordinal) == true)
                {
                    pending.Push(candidate);
                }
            }
        }

        return found;
    }
}
