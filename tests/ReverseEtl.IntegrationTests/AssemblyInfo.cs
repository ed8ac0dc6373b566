// The worker's services log to the console (standard error) when a test runs them in-process; xunit hands what is
// written there to the output of the test that is running, so that it shows beside that test and not in the run's.
[assembly: CaptureConsole]
