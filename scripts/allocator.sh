# Sourced by the launchers: preload jemalloc (Debian package libjemalloc2, which scripts/setup.sh installs) and
# keep freed pages, unless STREAMJEPA_ALLOCATOR=glibc or jemalloc is not installed.
if [ "${STREAMJEPA_ALLOCATOR:-jemalloc}" = jemalloc ]; then
  jemalloc="$(/sbin/ldconfig -p 2>/dev/null | awk '/libjemalloc\.so\.2 /{print $NF; exit}')" || jemalloc=""
  if [ -n "$jemalloc" ]; then
    export LD_PRELOAD="$jemalloc${LD_PRELOAD:+:$LD_PRELOAD}"
    export MALLOC_CONF="${MALLOC_CONF:-dirty_decay_ms:-1,muzzy_decay_ms:-1}"
  fi
fi
