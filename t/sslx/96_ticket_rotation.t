# SSLXSessionTicketKeyRotation: the ticket key changes on a schedule.
# A ticket made just before a rotation still resumes after it; one
# older than two rotations gets a clean full handshake.  Servers sharing
# an SSLXSessionTicketKeyFile rotate in step, so they keep resuming each
# other's tickets across a rotation.  The parent logs each rotation.
# Also: a rotation shorter than the session lifetime is warned about, the
# directive's errors, and SSLXSessionCacheTimeout 0 (no resumption, and
# no crash).  Rotations here are 4 s apart; the test takes about 15 s.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use File::Spec::Functions qw(catfile);
use POSIX qw(floor);
use SSLXTest;
use Time::HiRes qw(time sleep);

plan tests => 21, need { 'openssl is needed' => have_cmd('openssl') };

use constant PERIOD => 4;

my $tmp = SSLXTest::tmp_dir();
my $key = random_ticket_key(catfile($tmp, 'rotation.key'));
my $rotation = "SSLXSessionTicketKeyRotation @{[PERIOD]}\nSSLXSessionCacheTimeout 60";

my $gen = start_tls_server('rotate-random', $rotation);
my @cluster = map { start_tls_server("rotate-file-$_",
                    qq($rotation\nSSLXSessionTicketKeyFile "$key")) } qw(a b);
my $zero = start_tls_server('rotate-zero', '', 'SSLXSessionCacheTimeout 0');
ok(!grep({ !$_->{up} } $gen, @cluster, $zero),
   'servers with a 4 s ticket key rotation: one with a random key, two '
   . 'sharing a key file; one more with SSLXSessionCacheTimeout 0')
    or diag(map { ($_->{stderr} // '') . (read_file($_->{elog}) // '') }
            $gen, @cluster, $zero);

like(read_file($gen->{elog}) // '', qr/SSLX01619: SSLXSessionTicketKeyRotation 4 is shorter than the longest SSLXSessionCacheTimeout \(60\)/,
     'a rotation shorter than the session lifetime is warned about at startup');

# Sleeps until $secs into the next rotation period.
sub into_next_period {
    my $secs = shift;
    my $next = (floor(time / PERIOD) + 1) * PERIOD;
    sleep($next + $secs - time);
}

# ---- tickets made right after a rotation ------------------------------------
into_next_period(0.3);
my(%ticket, $r);
for my $v (['TLS 1.3', '-tls1_3'], ['TLS 1.2', '-tls1_2']) {
    my($name, $opt) = @$v;
    for my $h ($gen, $cluster[0]) {
        my $f = $ticket{"$h->{name}$opt"} = catfile($tmp, "$h->{name}$opt.pem");
        $r = session_via($h, $f, 'out', $opt);
        is($r->{both}, '200 Initial', "$name: a new session on $h->{name}")
            or diag($r->{out}, $r->{err});
    }
}
$r = session_via($cluster[1], $ticket{'rotate-file-a-tls1_3'}, 'in', '-tls1_3');
is($r->{resumed}, 'Resumed',
   'TLS 1.3: the other server with the same key file resumes the ticket at once');

# ---- one rotation later ------------------------------------------------------------
into_next_period(0.5);
for my $v (['TLS 1.3', '-tls1_3'], ['TLS 1.2', '-tls1_2']) {
    my($name, $opt) = @$v;
    $r = session_via($gen, $ticket{"rotate-random$opt"}, 'in', $opt);
    is($r->{both}, '200 Resumed',
       "$name: a ticket from before the rotation still resumes (random key)")
        or diag($r->{out}, $r->{err});
    $r = session_via($cluster[1], $ticket{"rotate-file-a$opt"}, 'in', $opt);
    is($r->{both}, '200 Resumed',
       "$name: ... and on the other server of the key-file pair")
        or diag($r->{out}, $r->{err});
}
my $fresh = catfile($tmp, 'after-rotation.pem');
session_via($gen, $fresh, 'out', '-tls1_3');
is(session_via($gen, $fresh, 'in', '-tls1_3')->{resumed}, 'Resumed',
   'a ticket made after the rotation resumes');

# ---- two rotations later ----------------------------------------------------------
into_next_period(0.5);
for my $v (['TLS 1.3', '-tls1_3'], ['TLS 1.2', '-tls1_2']) {
    my($name, $opt) = @$v;
    $r = session_via($gen, $ticket{"rotate-random$opt"}, 'in', $opt);
    is($r->{both}, '200 Initial',
       "$name: a ticket two rotations old gets a full handshake and the page")
        or diag($r->{out}, $r->{err});
    $r = session_via($cluster[1], $ticket{"rotate-file-a$opt"}, 'in', $opt);
    is($r->{both}, '200 Initial', "$name: ... on the key-file pair too")
        or diag($r->{out}, $r->{err});
}

like(read_file($gen->{elog}) // '', qr/SSLX02008: session ticket key rotated/,
     'the parent rotates its key on schedule and logs it (debug)');

# ---- SSLXSessionCacheTimeout 0 ------------------------------------------------------
my $f0 = catfile($tmp, 'zero.pem');
my @zero = map { session_via($zero, $f0, $_, '-tls1_2') } qw(out in);
is(join(', ', map { $_->{both} } @zero), '200 Initial, 200 Initial',
   'SSLXSessionCacheTimeout 0: pages are served and nothing resumes')
    or diag(map { $_->{out} . $_->{err} } @zero);

# ---- every server's log -----------------------------------------------------------
stop_tls_servers();
my @bad = map { my $h = $_; map { "$h->{name}: $_" }
                grep { !/SSLX01619/ } sslx_log_problems(read_file($h->{elog}) // '') }
          $gen, @cluster, $zero;
push @bad, grep { /exit signal|Segmentation fault|Floating point/ }
           map { split /\n/, read_file($_->{elog}) // '' } $gen, @cluster, $zero;
is(scalar(@bad), 0, 'no crash, and no mod_sslx warning but the expected one')
    or diag(join "\n", @bad);

# ---- the directive's errors -------------------------------------------------------
for my $c (['0', qr/expected 'off' or seconds from 1 to 604800/],
           ['1h', qr/expected 'off' or seconds/]) {
    my($arg, $want) = @$c;
    my $dir = standalone_dir('rotate-bad');
    my $conf = "$dir/conf/httpd.conf";
    write_file($conf, standalone_conf_head($dir, 'warn')
               . "SSLXSessionTicketKeyRotation $arg\n");
    my $t = httpd_configtest($conf);
    like($t->{out} . $t->{err},
         qr/Syntax error on line \d+ of \Q$conf\E:\s*SSLXSessionTicketKeyRotation: $want/,
         "SSLXSessionTicketKeyRotation $arg: httpd -t fails naming the file, line and directive");
}
