# Runs last (the suite runs t/sslx/*.t in name order): the test server's
# error log must hold no mod_sslx line at warn level or worse that no test
# asked for, no httpd child may have died on a signal, and when httpd runs
# with sanitizers (SSLX_SANITIZER_LOGDIR), they must have reported nothing
# during this run.
#
# A test that provokes a mod_sslx warning on purpose records the line's tag
# with SSLXTest::expect_sslx_warnings(); tags accepted for the whole suite
# are listed in %allowed below, each with its reason.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use SSLXTest;

plan tests => 5;

# SSLXnnnnn => why this warning is expected in every run.
my %allowed = (
);

my $log = read_file(error_log_path());
ok(defined $log && length $log, 'the error log exists') or diag(error_log_path());
$log //= '';

my %expected = %allowed;
if (defined(my $t = read_file(SSLXTest::expected_tags_file()))) {
    for (split /\n/, $t) {
        my($tag, $why) = split /\t/, $_, 2;
        $expected{$tag} = $why;
    }
}

my(@unexpected, @untagged);
for my $line (sslx_log_problems($log)) {
    my($tag) = $line =~ /\b(SSLX\d+): /;
    if (!$tag) {
        push @untagged, $line;
    }
    elsif (!exists $expected{$tag}) {
        push @unexpected, $line;
    }
}
is(scalar(@unexpected), 0,
   'no unexpected [sslx:warn] / [sslx:error] (or worse) lines')
    or diag(join "\n", @unexpected);
is(scalar(@untagged), 0, 'every mod_sslx warning or error carries an SSLXnnnnn tag')
    or diag(join "\n", @untagged);

my @crashes = grep { /exit signal|AH00052|Segmentation fault|Aborted/ }
              split /\n/, $log;
is(scalar(@crashes), 0, 'no httpd process died on a signal') or diag(join "\n", @crashes);

SKIP: {
    my $dir = $ENV{SSLX_SANITIZER_LOGDIR};
    skip 'httpd runs without sanitizers', 1 unless $dir && -d $dir;
    my $start = (stat(SSLXTest::t_logs() . '/suite-start'))[9] || 0;
    my @reports = grep { -s $_ && (stat $_)[9] >= $start }
                  glob("$dir/asan.* $dir/ubsan.*");
    is(scalar(@reports), 0, 'no sanitizer reports from httpd')
        or diag(join "\n", map { "== $_\n" . substr(read_file($_) // '', 0, 3000) }
                             @reports);
}
