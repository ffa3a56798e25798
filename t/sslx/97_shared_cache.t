# Session caches shared between servers: two mod_sslx httpd instances
# (separate process trees) with SSLXSessionCache on the same redis server,
# and two on the same memcached, resume each other's TLS 1.2 session IDs;
# with one SSLXSessionTicketKeyFile they also resume each other's TLS 1.3
# tickets.  A server with a cache of its own (shmcb) does not resume
# them.  When redis dies, a client offering a session gets a full
# handshake and its page, in bounded time, and tickets still resume.  No
# server crashes.  The test starts its own redis-server and memcached on
# loopback and stops them at the end.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use File::Spec::Functions qw(catfile);
use POSIX ();
use SSLXTest;
use Time::HiRes qw(time sleep);

my $moddir = Apache::Test::vars('sslx_modulesdir');
plan tests => 21,
    need { 'redis-server is needed' => have_cmd('redis-server'),
           'memcached is needed'    => have_cmd('memcached'),
           'openssl is needed'      => have_cmd('openssl'),
           'gnutls-cli is needed'   => have_cmd('gnutls-cli'),
           'mod_socache_redis and mod_socache_memcache are needed' =>
               -f "$moddir/mod_socache_redis.so"
               && -f "$moddir/mod_socache_memcache.so" };

my $tmp = SSLXTest::tmp_dir();
sub get_req { "GET $_[0] HTTP/1.0\r\nHost: localhost\r\n\r\n" }
sub sess { session_via(@_) }

# ---- redis-server and memcached, ours alone ------------------------------
my @daemons;
sub daemon {
    my($name, $port, @argv) = @_;
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        POSIX::setsid();
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', catfile($tmp, "$name.log");
        open STDERR, '>&', \*STDOUT;
        { exec @argv }
        POSIX::_exit(127);
    }
    my $d = { name => $name, pid => $pid, port => $port };
    push @daemons, $d;
    $d->{up} = wait_for_port($port, 15, $pid);
    return $d;
}
sub stop_daemon {
    my($d, $sig) = @_;
    return if $d->{gone}++;
    kill $sig || 'TERM', $d->{pid};
    my $deadline = time + 10;
    sleep 0.05 while waitpid($d->{pid}, POSIX::WNOHANG()) == 0 && time < $deadline;
    if (kill 0, $d->{pid}) { kill 'KILL', $d->{pid}; waitpid($d->{pid}, 0) }
}

my $rport = free_port();
my $redis = daemon('redis', $rport, 'redis-server', '--port', $rport,
                   '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
                   '--dir', $tmp, '--daemonize', 'no');
my $mport = free_port();
my $memcached = daemon('memcached', $mport, 'memcached', '-l', '127.0.0.1',
                       '-p', $mport, '-U', '0', $> == 0 ? ('-u', 'nobody') : ());
ok($redis->{up} && $memcached->{up}, 'redis-server and memcached run on loopback')
    or diag(map { "$_->{name}: " . (read_file(catfile($tmp, "$_->{name}.log")) // '') }
            @daemons);

# ---- five httpd instances ---------------------------------------------------
my $key = random_ticket_key(catfile($tmp, 'ticket.key'));
my @servers;
sub standalone {
    my($name, $cache, $keyfile) = @_;
    my $dir = catfile(t_dir(), 'standalone', "shared-$name");
    $cache = "shmcb:$dir/logs/scache(512000)" if $cache eq 'shmcb';
    my $h = start_tls_server("shared-$name", <<EOC);
LoadModule socache_redis_module "$moddir/mod_socache_redis.so"
LoadModule socache_memcache_module "$moddir/mod_socache_memcache.so"
SSLXSessionCache "$cache"
@{[ $keyfile ? qq(SSLXSessionTicketKeyFile "$keyfile") : '# a random ticket key' ]}
EOC
    push @servers, $h;
    return $h;
}
END {
    local $?;
    stop_tls_servers();
    stop_daemon($_) for @daemons;
}

# The redis pair and the shmcb server share one ticket key file; each
# memcache server has a random key of its own.
my %s = (
    redisA => standalone('redis-a', "redis:127.0.0.1:$rport", $key),
    redisB => standalone('redis-b', "redis:127.0.0.1:$rport", $key),
    memcacheA => standalone('memcache-a', "memcache:127.0.0.1:$mport"),
    memcacheB => standalone('memcache-b', "memcache:127.0.0.1:$mport"),
    own => standalone('own', 'shmcb', $key),
);
ok(!grep({ !$_->{up} } @servers),
   'five servers: two on redis and two on memcached (each pair a process tree '
   . 'of its own), one with its own shmcb cache')
    or diag(map { "$_->{name}: " . ($_->{stderr} // '')
                  . (read_file($_->{elog}) // '') } @servers);

# ---- TLS 1.2 session IDs through the shared cache ------------------------------
# -no_ticket: the client offers no ticket, so only a session ID found in
# the cache can resume.
my @id = ('-tls1_2', '-no_ticket');
for my $cache (qw(redis memcache)) {
    my($ha, $hb) = @s{"${cache}A", "${cache}B"};
    my $fa = catfile($tmp, "$cache-a.pem");
    my $r = sess($ha, $fa, 'out', @id);
    is($r->{both}, '200 Initial', "$cache: a new TLS 1.2 session on server A")
        or diag($r->{out}, $r->{err});
    $r = sess($hb, $fa, 'in', @id);
    is($r->{resumed}, 'Resumed',
       "$cache: server B (same $cache server) resumes A's session ID")
        or diag($r->{out}, $r->{err});
    my $fb = catfile($tmp, "$cache-b.pem");
    sess($hb, $fb, 'out', @id);
    $r = sess($ha, $fb, 'in', @id);
    is($r->{resumed}, 'Resumed', "$cache: ... and A resumes a session ID B made")
        or diag($r->{out}, $r->{err});
    $r = sess($s{own}, $fa, 'in', @id);
    is($r->{both}, '200 Initial',
       "$cache: a server with its own shmcb cache answers A's session ID "
       . 'with a full handshake') or diag($r->{out}, $r->{err});

    # A GnuTLS client, resuming by session ID on the cached server.
    my $g = gnutls_cli(port => $ha->{port}, sni => 'localhost',
                       priority => 'NORMAL:-VERS-ALL:+VERS-TLS1.2',
                       args => ['--resume', '--noticket'],
                       request => get_req('/ok.txt'));
    like($g->{out} . $g->{err}, qr/\*\*\* This is a resumed session/,
         "$cache: gnutls-cli --resume --noticket (TLS 1.2) resumes")
        or diag($g->{out}, $g->{err});
}

# ---- TLS 1.3 tickets ----------------------------------------------------------------
my $t13 = catfile($tmp, 'redis-a-tls13.pem');
sess($s{redisA}, $t13, 'out', '-tls1_3');
my $r = sess($s{redisB}, $t13, 'in', '-tls1_3');
is($r->{resumed}, 'Resumed',
   'TLS 1.3: B resumes a ticket from A (same SSLXSessionTicketKeyFile, same redis)')
    or diag($r->{out}, $r->{err});
my $f = catfile($tmp, 'memcache-a-tls13.pem');
sess($s{memcacheA}, $f, 'out', '-tls1_3');
$r = sess($s{memcacheB}, $f, 'in', '-tls1_3');
is($r->{both}, '200 Initial',
   'TLS 1.3: without a shared key file a ticket gets a full handshake on the '
   . 'other server, shared cache or not') or diag($r->{out}, $r->{err});

# ---- redis dies ----------------------------------------------------------------------
my $fdead = catfile($tmp, 'redis-dead.pem');
sess($s{redisA}, $fdead, 'out', @id);
is(sess($s{redisA}, $fdead, 'in', @id)->{resumed}, 'Resumed',
   'redis up: server A resumes a session ID (before redis dies)');
my $off = -s $s{redisA}->{elog} || 0;
stop_daemon($redis, 'KILL');
my @dead = map { sess($s{redisA}, $fdead, 'in', @id) } 1 .. 3;
is(join(', ', map { $_->{both} } @dead), join(', ', ('200 Initial') x 3),
   'redis down: three clients offering a session ID get a full handshake and the page')
    or diag(map { $_->{out} . $_->{err} } @dead);
my($slowest) = sort { $b <=> $a } map { $_->{secs} } @dead;
cmp_ok($slowest, '<', 10, '... each within 10 s');
$r = sess($s{redisA}, $t13, 'in', '-tls1_3');
is($r->{resumed}, 'Resumed', 'redis down: a TLS 1.3 ticket still resumes')
    or diag($r->{out}, $r->{err});
my $since = substr(read_file($s{redisA}->{elog}) // '', $off);
# httpd's mod_socache_redis itself logs each failed store at crit
# (AH03478 "error setting key"); nothing else may be that severe.
my @severe = grep { /\[[\w.]*:(?:emerg|alert|crit)\]/
                    && !/\[socache_redis:crit\].*AH03478: scache_rd: error setting key/ }
             split /\n/, $since;
is(scalar(@severe), 0, 'redis down: nothing at crit level or worse in the error '
   . 'log but mod_socache_redis\'s own failed stores') or diag(join "\n", @severe);
diag("server A's log while redis was down:\n",
     join "\n", grep { /socache|session cache|redis/i } split /\n/, $since)
    if $ENV{SSLX_TEST_VERBOSE};

# ---- every server's error log --------------------------------------------------------
stop_httpd($_) for @servers;
my(@crash, @warn);
for my $h (@servers) {
    my @lines = split /\n/, read_file($h->{elog}) // '';
    push @crash, map { "$h->{name}: $_" }
                 grep { /exit signal|AH00052|Segmentation fault|Aborted/ } @lines;
    push @warn, map { "$h->{name}: $_" } sslx_log_problems(join "\n", @lines)
        unless $h == $s{redisA};
}
is(scalar(@crash), 0, 'no httpd process of the five servers died on a signal')
    or diag(join "\n", @crash);
is(scalar(@warn), 0,
   'no mod_sslx warning or error from the four servers that saw no dead cache')
    or diag(join "\n", @warn);
