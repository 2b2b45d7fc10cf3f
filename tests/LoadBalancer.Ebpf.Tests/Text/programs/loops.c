// cpus: v2 v3
// A bounded loop with conditional jumps in both directions.
int loops(const unsigned char *data, int n)
{
    int sum = 0;
    for (int i = 0; i < 64; i++) {
        if (i >= n)
            break;
        if (data[i] > 100)
            sum += data[i] * 2;
        else if ((signed char)data[i] < -3)
            sum -= 7;
        else
            sum ^= i;
    }
    return sum;
}
